//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// startMCPHTTP starts the built binary as an HTTP MCP server on a loopback
// port with these extra flags and returns its URL and a function that stops
// it (SIGTERM, then SIGKILL after 10 s) and waits for it; the test's cleanup
// stops it too.
func startMCPHTTP(t *testing.T, bin string, flags ...string) (cmd *exec.Cmd, url string, stop func()) {
	t.Helper()
	args := append([]string{"mcp", "--emulate", "--result-format", "both", "--http", "127.0.0.1:0"}, flags...)
	cmd = exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				t.Errorf("the server did not exit 10 s after SIGTERM")
				cmd.Process.Kill()
				<-exited
			}
		})
	}
	t.Cleanup(stop)
	urlRe := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/mcp)`)
	urls := make(chan string, 1)
	var seen syncBuffer
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stderr)
		found := false
		for sc.Scan() {
			if !found {
				seen.Write([]byte(sc.Text() + "\n"))
				if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
					found = true
					urls <- m[1]
				}
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
	}()
	select {
	case url = <-urls:
		return cmd, url, stop
	case <-exited:
		t.Fatalf("the server exited before listening:\n%s", seen.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("no listening line on stderr after 30 s:\n%s", seen.String())
	}
	return nil, "", nil
}

// mcpEnvelope is the part of execute_lua's structuredContent the test reads.
type mcpEnvelope struct {
	OK      bool            `json:"ok"`
	Outcome string          `json:"outcome"`
	Result  json.RawMessage `json:"result"`
	Error   *envelopeError  `json:"error"`
}

func (e *mcpEnvelope) kind() string { return e.Error.kind() }

// rpcSession is a streamable-HTTP MCP client session that is safe for
// concurrent calls (this module keeps the MCP SDK behind runtime/mcptools, so
// its tests speak the protocol themselves).
type rpcSession struct {
	url, session string
	next         atomic.Int64
}

// newRPCSession initializes a session with the server at url.
func newRPCSession(ctx context.Context, url string) (*rpcSession, error) {
	s := &rpcSession{url: url}
	if _, err := s.call(ctx, "initialize", map[string]any{
		"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "kosmo-lua-bombs-test", "version": "1"},
	}); err != nil {
		return nil, err
	}
	if _, err := s.post(ctx, map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"}); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *rpcSession) post(ctx context.Context, msg map[string]any) ([][]byte, error) {
	b, _ := json.Marshal(msg)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if s.session != "" {
		req.Header.Set("Mcp-Session-Id", s.session)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" && s.session == "" {
		s.session = id
	}
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
	}
	return readPayloads(resp)
}

// readPayloads returns the JSON-RPC messages of an answer: its body, or
// the data lines of an event stream.
func readPayloads(resp *http.Response) ([][]byte, error) {
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, err := io.ReadAll(resp.Body)
		return [][]byte{b}, err
	}
	var payloads [][]byte
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			payloads = append(payloads, []byte(data))
		}
	}
	return payloads, sc.Err()
}

// responseFor returns the result of the response to request id among
// payloads; a JSON-RPC error is an error.
func responseFor(method string, id int64, payloads [][]byte) (map[string]any, error) {
	for _, p := range payloads {
		var msg struct {
			ID     *int64          `json:"id"`
			Result map[string]any  `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(p, &msg) != nil || msg.ID == nil || *msg.ID != id {
			continue
		}
		if msg.Error != nil {
			return nil, fmt.Errorf("%s: error %s", method, msg.Error)
		}
		return msg.Result, nil
	}
	return nil, fmt.Errorf("%s: no response in %d messages", method, len(payloads))
}

// call sends one request and returns its result.
func (s *rpcSession) call(ctx context.Context, method string, params any) (map[string]any, error) {
	id := s.next.Add(1)
	payloads, err := s.post(ctx, map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	return responseFor(method, id, payloads)
}

// executeLua calls execute_lua and decodes its envelope.
func executeLua(ctx context.Context, cs *rpcSession, code string) (*mcpEnvelope, error) {
	res, err := cs.call(ctx, "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{"code": code}})
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(res["structuredContent"])
	if err != nil {
		return nil, err
	}
	var env mcpEnvelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// TestMCPBombs sends 20 concurrent execute_lua calls to the built binary's
// HTTP MCP server (`mcp --emulate --timeout 2s --memory 64MiB`): 10 string
// doubling bombs and 10 busy loops. Every call answers within the timeout
// plus two seconds of being sent, with a memory_limit or timeout envelope
// (the server runs at most 8 scripts at once; a queued script's deadline
// includes its wait, so it may end as a timeout without running); the
// server and all its workers together never hold more than 2 GiB resident;
// and the server is still alive and answers `return 1 + 1` with 2 afterwards.
func TestMCPBombs(t *testing.T) {
	requireProc(t)
	bin := buildBinary(t)
	const timeout = 2 * time.Second
	cmd, url, stop := startMCPHTTP(t, bin, "--timeout", timeout.String(), "--memory", hostileMemory)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cs, err := newRPCSession(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	// One benign call first, so every bomb meets a ready server.
	if env, err := executeLua(ctx, cs, `return 1 + 1`); err != nil || string(env.Result) != "2" {
		t.Fatalf("benign call before the bombs: %v %+v", err, env)
	}

	bombs := []struct {
		name, code string
	}{
		{"memory", `local s = "x" while true do s = s .. s end`},
		{"loop", `while true do end`},
	}
	type answer struct {
		bomb string
		took time.Duration
		env  *mcpEnvelope
		err  error
	}
	sampler := startTreeSampler(cmd.Process.Pid, true)
	answers := make([]answer, 20)
	var wg sync.WaitGroup
	for i := range answers {
		b := bombs[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			env, err := executeLua(ctx, cs, b.code)
			answers[i] = answer{bomb: b.name, took: time.Since(start), env: env, err: err}
		}()
	}
	wg.Wait()
	maxTotal, maxOne, procs := sampler.Stop()

	kinds := map[string]int{}
	var times []string
	for i, a := range answers {
		if a.err != nil {
			t.Errorf("call %d (%s): %v", i, a.bomb, a.err)
			continue
		}
		kinds[a.bomb+" "+a.env.Outcome+"/"+a.env.kind()]++
		times = append(times, a.bomb+" "+a.took.Round(time.Millisecond).String())
		switch {
		case a.took <= e2eBound(timeout):
		default:
			t.Errorf("call %d (%s) answered after %v, want at most %v", i, a.bomb, a.took, e2eBound(timeout))
		}
		switch {
		case a.env.Outcome == "limit_exceeded" && a.env.kind() == "memory_limit" && a.bomb == "memory":
		case a.env.Outcome == "timeout" && a.env.kind() == "timeout":
		default:
			t.Errorf("call %d (%s): outcome %q kind %q, want limit_exceeded/memory_limit or timeout", i, a.bomb, a.env.Outcome, a.env.kind())
		}
	}
	t.Logf("answers: %v", kinds)
	t.Logf("per-call times: %s", strings.Join(times, ", "))
	t.Logf("peak RSS: %d MiB total over the server and its workers, %d MiB in one process (%d processes seen)", maxTotal>>20, maxOne>>20, procs)
	if maxTotal > 2<<30 {
		t.Errorf("the server and its workers held %d MiB at once, want at most 2048 MiB", maxTotal>>20)
	}

	// The server is alive and answers, in the same session and in a new one.
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("the server died during the bombs: %v", err)
	}
	start := time.Now()
	env, err := executeLua(ctx, cs, `return 1 + 1`)
	if err != nil {
		t.Fatalf("benign call after the bombs: %v", err)
	}
	if diff := cmp.Diff(mcpEnvelope{OK: true, Outcome: "completed", Result: json.RawMessage("2")}, *env); diff != "" {
		t.Errorf("benign call after the bombs (-want +got):\n%s", diff)
	}
	t.Logf("benign call after the bombs answered in %v", time.Since(start).Round(time.Millisecond))
	cs2, err := newRPCSession(ctx, url)
	if err != nil {
		t.Fatalf("a new session after the bombs: %v", err)
	}
	tools, err := cs2.call(ctx, "tools/list", map[string]any{})
	if err != nil {
		t.Fatalf("tools/list after the bombs: %v", err)
	}
	names := toolNames(tools)
	sort.Strings(names)
	if diff := cmp.Diff([]string{"execute_lua", "lua_list_docs", "lua_read_doc", "lua_search_docs"}, names); diff != "" {
		t.Errorf("tools after the bombs (-want +got):\n%s", diff)
	}

	// Stopping the server stops its workers.
	var workers []int
	for _, pid := range sampler.pids() {
		if pid != cmd.Process.Pid {
			workers = append(workers, pid)
		}
	}
	stop()
	if alive := waitGone(workers, filepath.Base(bin), 5*time.Second); len(alive) > 0 {
		t.Errorf("worker processes %v outlived the server", alive)
	}
}
