package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// buildServerBinary builds kosmo-lua, with the race detector when the tests
// run under it.
func buildServerBinary(t *testing.T) string {
	t.Helper()
	if !raceEnabled {
		return buildBinary(t)
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "kosmo-lua")
	if out, err := exec.Command("go", "build", "-race", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -race: %v\n%s", err, out)
	}
	return bin
}

// replica is one `kosmo-lua mcp --http` process.
type replica struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	stderr *syncBuffer
}

// startReplica starts bin mcp --emulate --http 127.0.0.1:0 with extra args and
// waits until its /readyz answers 200.
func startReplica(t *testing.T, bin string, args ...string) *replica {
	t.Helper()
	return startServer(t, bin, nil, append([]string{"--emulate"}, args...)...)
}

// startServer starts bin mcp --http 127.0.0.1:0 with args and the
// environment env (nil: this process's), and waits until /readyz is 200.
func startServer(t *testing.T, bin string, env []string, args ...string) *replica {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"mcp", "--result-format", "both", "--http", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	pipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{cmd: cmd, stderr: &syncBuffer{}}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	urlRe := regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)/mcp`)
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		r.stderr.Write([]byte(sc.Text() + "\n"))
		if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
			r.base = "http://" + m[1]
			break
		}
	}
	if r.base == "" {
		t.Fatalf("no listening line on stderr:\n%s", r.stderr.String())
	}
	go io.Copy(r.stderr, pipe)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(r.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/readyz not 200 within 60 s:\n%s", r.base, r.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// statelessClient speaks MCP 2026-07-28 over HTTP: no handshake, no session;
// every request carries its protocol version and capabilities.
type statelessClient struct {
	url  string
	next atomic.Int64
}

const statelessVersion = "2026-07-28"

// call sends one request and returns its result; a JSON-RPC error is an error.
func (c *statelessClient) call(ctx context.Context, method string, params map[string]any) (map[string]any, error) {
	id := c.next.Add(1)
	if params == nil {
		params = map[string]any{}
	}
	params["_meta"] = map[string]any{
		"io.modelcontextprotocol/protocolVersion":    statelessVersion,
		"io.modelcontextprotocol/clientCapabilities": map[string]any{},
		"io.modelcontextprotocol/clientInfo":         map[string]any{"name": "kosmo-lua-replica-test", "version": "1"},
	}
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", statelessVersion)
	req.Header.Set("Mcp-Method", method)
	if name, ok := params["name"].(string); ok {
		req.Header.Set("Mcp-Name", name)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("%s: HTTP %d: %s", method, resp.StatusCode, body)
	}
	payloads, err := readPayloads(resp)
	if err != nil {
		return nil, err
	}
	return responseFor(method, id, payloads)
}

// alternatingProxy sends request n to backends[n % len(backends)], with no
// affinity of any kind; hits counts the requests per backend.
func alternatingProxy(t *testing.T, backends []string) (*httptest.Server, []*atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	hits := make([]*atomic.Int64, len(backends))
	for i := range backends {
		hits[i] = &atomic.Int64{}
	}
	// The proxy forwards whole requests and whole answers. (httputil's
	// ReverseProxy streams, and one exchange in a few lost its answer's end
	// on a loaded machine: golang/go#40747.) A client that goes away cancels
	// the request to the replica, as a load balancer's would.
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)-1) % len(backends)
		hits[i].Add(1)
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, backends[i]+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			http.Error(w, "proxy: reading the replica's answer: "+err.Error(), http.StatusBadGateway)
			return
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer)
	}))
	t.Cleanup(ps.Close)
	return ps, hits
}

// TestMCPReplicas runs a 2026-07-28 client session of 50 mixed calls (docs
// reads, execute_lua, cancellations) against two `mcp --http` processes
// behind a proxy that alternates requests between them: nothing a request
// needs lives in one replica's memory.
func TestMCPReplicas(t *testing.T) {
	bin := buildServerBinary(t)
	a := startReplica(t, bin, "--timeout", "20s")
	b := startReplica(t, bin, "--timeout", "20s")
	proxy, hits := alternatingProxy(t, []string{a.base, b.base})
	c := &statelessClient{url: proxy.URL + "/mcp"}
	ctx := context.Background()

	if res, err := c.call(ctx, "server/discover", nil); err != nil {
		t.Fatal(err)
	} else if v, _ := res["supportedVersions"].([]any); len(v) == 0 || v[0] != statelessVersion || res["cacheScope"] != "public" || res["ttlMs"] == float64(0) {
		t.Fatalf("server/discover: %v", res)
	}
	cancelled := 0
	for i := range 50 {
		var (
			res map[string]any
			err error
		)
		switch i % 5 {
		case 0:
			res, err = c.call(ctx, "tools/call", map[string]any{"name": "lua_search_docs", "arguments": map[string]any{"query": "list organizations"}})
			if err == nil && !strings.Contains(toolText(res), "organizations_list") {
				t.Errorf("call %d: lua_search_docs: %s", i, toolText(res))
			}
		case 1:
			res, err = c.call(ctx, "tools/call", map[string]any{"name": "lua_read_doc", "arguments": map[string]any{"page": "organizations_list"}})
			if err == nil && res["isError"] == true {
				t.Errorf("call %d: lua_read_doc: %s", i, toolText(res))
			}
		case 2:
			res, err = c.call(ctx, "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{"code": countScript, "args": map[string]any{"echo": i}}})
			if err == nil {
				env, _ := res["structuredContent"].(map[string]any)
				if result, _ := env["result"].(map[string]any); result["echo"] != float64(i) || env["ok"] != true {
					t.Errorf("call %d: execute_lua: %s", i, toolText(res))
				}
			}
		case 3:
			res, err = c.call(ctx, "tools/list", nil)
			if err == nil && len(toolNames(res)) != 4 {
				t.Errorf("call %d: tools/list: %v", i, toolNames(res))
			}
		case 4:
			// Cancel a run that would loop until its timeout: the 2026-07-28
			// client cancels by closing its request.
			cctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			_, err = c.call(cctx, "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{"code": "while true do end"}})
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("call %d: a cancelled run returned %v", i, err)
			}
			cancelled++
			err = nil
		}
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if hits[0].Load() == 0 || hits[1].Load() == 0 {
		t.Errorf("the proxy did not use both replicas: %d and %d requests", hits[0].Load(), hits[1].Load())
	}
	// Every cancelled run stops long before its 20 s timeout: each replica
	// logs a run that did not complete for each one it was sent.
	deadline := time.Now().Add(15 * time.Second)
	for {
		stopped := 0
		for _, r := range []*replica{a, b} {
			for _, line := range strings.Split(r.stderr.String(), "\n") {
				if strings.Contains(line, `msg="tool call"`) && strings.Contains(line, "tool=execute_lua") && !strings.Contains(line, "outcome=completed") {
					stopped++
				}
			}
		}
		if stopped == cancelled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d cancelled runs logged as stopped within 15 s\nA:\n%s\nB:\n%s", stopped, cancelled, a.stderr.String(), b.stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestMCPHTTPDrain sends SIGTERM while a run is in flight: the run finishes
// and answers, new requests and /readyz get 503 meanwhile, /healthz stays
// 200, and the process exits 0.
func TestMCPHTTPDrain(t *testing.T) {
	bin := buildServerBinary(t)
	r := startReplica(t, bin, "--timeout", "20s")
	c := &statelessClient{url: r.base + "/mcp"}
	type answer struct {
		res map[string]any
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := c.call(context.Background(), "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{
			"code": `local t = os.clock() while os.clock() - t < 3 do end return "finished"`}})
		done <- answer{res, err}
	}()
	time.Sleep(time.Second) // the run is under way
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.stderr.String(), "draining") {
		if time.Now().After(deadline) {
			t.Fatalf("no drain within 10 s of SIGTERM:\n%s", r.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for path, want := range map[string]int{"/readyz": 503, "/healthz": 200} {
		if resp, err := http.Get(r.base + path); err != nil {
			t.Errorf("%s while draining: %v", path, err)
		} else {
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("%s while draining: HTTP %d, want %d", path, resp.StatusCode, want)
			}
		}
	}
	if _, err := c.call(context.Background(), "tools/list", nil); err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("a new request while draining: %v, want HTTP 503", err)
	}
	a := <-done
	if a.err != nil {
		t.Fatalf("the in-flight run: %v", a.err)
	}
	if env, _ := a.res["structuredContent"].(map[string]any); env["result"] != "finished" {
		t.Errorf("the in-flight run: %s", toolText(a.res))
	}
	exited := make(chan error, 1)
	go func() { exited <- r.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after drain: %v\n%s", err, r.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit within 30 s of the drain")
	}
}

// TestMCPHTTPNeverShowsKey: the key of an `mcp --http` server appears in no
// log line, response or error, through a failing call and a drain.
func TestMCPHTTPNeverShowsKey(t *testing.T) {
	bin := buildServerBinary(t)
	const key = "sk_test_replica_secret_0123456789"
	r := startServer(t, bin, []string{"WORKOS_API_KEY=" + key, "HOME=" + t.TempDir()}, "--base-url", "http://127.0.0.1:1", "--timeout", "10s")
	c := &statelessClient{url: r.base + "/mcp"}
	res, err := c.call(context.Background(), "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{
		"code": `return workos.organizations_list{limit = 1}`}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(res)
	if env, _ := res["structuredContent"].(map[string]any); env["ok"] != false {
		t.Errorf("a call to a closed port succeeded: %s", out)
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.cmd.Wait()
	for name, text := range map[string]string{"response": string(out), "stderr": r.stderr.String()} {
		if strings.Contains(text, key) || strings.Contains(text, "replica_secret") {
			t.Errorf("the API key appears in the %s:\n%s", name, text)
		}
	}
}

// TestMCPReplicasNoSessions: with --no-sessions a 2025-06-18 client (its
// initialize handshake, then requests) works through the alternating proxy
// too, with no affinity.
func TestMCPReplicasNoSessions(t *testing.T) {
	bin := buildServerBinary(t)
	a := startReplica(t, bin, "--no-sessions")
	b := startReplica(t, bin, "--no-sessions")
	proxy, hits := alternatingProxy(t, []string{a.base, b.base})
	ctx := context.Background()
	s, err := newRPCSession(ctx, proxy.URL+"/mcp")
	if err != nil {
		t.Fatal(err)
	}
	if s.session != "" {
		t.Errorf("the server set Mcp-Session-Id %q under --no-sessions", s.session)
	}
	for i := range 10 {
		if i%2 == 0 {
			if res, err := s.call(ctx, "tools/list", map[string]any{}); err != nil || len(toolNames(res)) != 4 {
				t.Errorf("call %d: tools/list: %v %v", i, err, toolNames(res))
			}
			continue
		}
		res, err := s.call(ctx, "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{"code": countScript, "args": map[string]any{"echo": i}}})
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		env, _ := res["structuredContent"].(map[string]any)
		if result, _ := env["result"].(map[string]any); result["echo"] != float64(i) {
			t.Errorf("call %d: execute_lua: %s", i, toolText(res))
		}
	}
	if hits[0].Load() == 0 || hits[1].Load() == 0 {
		t.Errorf("the proxy did not use both replicas: %d and %d requests", hits[0].Load(), hits[1].Load())
	}
}

// TestMCPReplicasApproval: under --write ask, a client without elicitation
// gets a signed plan from one replica (outcome needs_approval, nothing
// written) and applies it through the proxy on the other: the plan carries
// everything, and the replicas share only the plan key file.
func TestMCPReplicasApproval(t *testing.T) {
	bin := buildServerBinary(t)
	keyFile := filepath.Join(t.TempDir(), "plan.key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "KOSMO_LUA_PLAN_KEY_FILE="+keyFile)
	a := startServer(t, bin, env, "--emulate", "--write", "ask")
	b := startServer(t, bin, env, "--emulate", "--write", "ask")
	proxy, hits := alternatingProxy(t, []string{a.base, b.base})
	c := &statelessClient{url: proxy.URL + "/mcp"}
	ctx := context.Background()

	res, err := c.call(ctx, "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{
		"code": `return workos.organizations_create{name = "Replica Corp"}.name`}})
	if err != nil {
		t.Fatal(err)
	}
	env1, _ := res["structuredContent"].(map[string]any)
	plan, _ := env1["plan"].(map[string]any)
	if env1["outcome"] != "needs_approval" || plan == nil || res["isError"] == true {
		t.Fatalf("execute_lua under ask without elicitation: %s", toolText(res))
	}
	res, err = c.call(ctx, "tools/call", map[string]any{"name": "apply_plan", "arguments": map[string]any{"plan": plan}})
	if err != nil {
		t.Fatal(err)
	}
	env2, _ := res["structuredContent"].(map[string]any)
	if env2["ok"] != true || env2["result"] != "Replica Corp" {
		t.Fatalf("apply_plan on the other replica: %s", toolText(res))
	}
	if hits[0].Load() != 1 || hits[1].Load() != 1 {
		t.Errorf("the two calls did not reach both replicas: %d and %d requests", hits[0].Load(), hits[1].Load())
	}
}
