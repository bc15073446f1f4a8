package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// buildBinary builds kosmo-lua into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "kosmo-lua")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a test reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// skipIfNotReady skips while --emulate or runtime.Run is not built yet.
func skipIfNotReady(t *testing.T, text string) {
	t.Helper()
	for _, s := range []string{"not built yet", "not wired yet"} {
		if strings.Contains(text, s) {
			t.Skipf("not ready: %s", s)
		}
	}
}

const countScript = `local page = workos.organizations_list{limit = 2}
return {object = page.object, at_most_two = #page.data <= 2, echo = args.echo}`

// TestMCPStdioSubprocess runs the built binary as an MCP server over stdio
// against the in-process emulator.
func TestMCPStdioSubprocess(t *testing.T) {
	bin := buildBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "mcp", "--emulate", "--result-format", "both")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Wait()
	}()
	// Give --emulate a moment to fail if the emulator is not built yet.
	time.Sleep(200 * time.Millisecond)
	skipIfNotReady(t, stderr.String())

	c := newRPCConn(stdin, stdout)
	c.initialize(t)
	if diff := cmp.Diff([]string{"execute_lua", "lua_list_docs", "lua_read_doc", "lua_search_docs"}, toolNames(c.call(t, "tools/list", map[string]any{}))); diff != "" {
		t.Errorf("tools mismatch (-want +got):\n%s", diff)
	}
	res := c.call(t, "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{"code": countScript, "args": map[string]any{"echo": "hi"}}})
	skipIfNotReady(t, toolText(res))
	want := map[string]any{"object": "list", "at_most_two": true, "echo": "hi"}
	env, _ := res["structuredContent"].(map[string]any)
	if diff := cmp.Diff(want, env["result"]); diff != "" || res["isError"] == true {
		t.Errorf("execute_lua result mismatch (-want +got):\n%s\n%s", diff, toolText(res))
	}
	// The default policy refuses writes inside scripts.
	res = c.call(t, "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{"code": `return workos.organizations_create{name = "x"}`}})
	if env, _ := res["structuredContent"].(map[string]any); env["outcome"] != "denied" || res["isError"] != true {
		t.Errorf("write under the default policy: %s", toolText(res))
	}
	stdin.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v\nstderr: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit after stdin closed")
	}
}

// TestMCPHTTPSubprocess runs the built binary over streamable HTTP.
func TestMCPHTTPSubprocess(t *testing.T) {
	bin := buildBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "mcp", "--emulate", "--result-format", "both", "--http", "127.0.0.1:0", "--tools", "all")
	stderrPipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	urlRe := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/mcp)`)
	var url string
	sc := bufio.NewScanner(stderrPipe)
	var seen strings.Builder
	for sc.Scan() {
		seen.WriteString(sc.Text() + "\n")
		if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
			break
		}
	}
	skipIfNotReady(t, seen.String())
	if url == "" {
		t.Fatalf("no listening line on stderr:\n%s", seen.String())
	}
	go io.Copy(io.Discard, stderrPipe)

	h := &httpRPC{s: rpcSession{url: url}}
	h.call(t, "initialize", map[string]any{
		"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "kosmo-lua-test", "version": "1"},
	})
	h.notify(t, "notifications/initialized")
	names := toolNames(h.call(t, "tools/list", map[string]any{}))
	if len(names) < 50 || !mcpHasName(names, "execute_lua") || !mcpHasName(names, "workos_organizations_list") || mcpHasName(names, "workos_organizations_create") {
		t.Errorf("tools/list in --tools all with write deny: %d tools %v", len(names), names[:min(len(names), 8)])
	}
	res := h.call(t, "tools/call", map[string]any{"name": "workos_organizations_list", "arguments": map[string]any{"limit": 1}})
	skipIfNotReady(t, toolText(res))
	if sc, _ := res["structuredContent"].(map[string]any); sc["object"] != "list" || res["isError"] == true {
		t.Errorf("workos_organizations_list over HTTP: %s", toolText(res))
	}
	res = h.call(t, "tools/call", map[string]any{"name": "execute_lua", "arguments": map[string]any{"code": countScript, "args": map[string]any{"echo": "http"}}})
	if env, _ := res["structuredContent"].(map[string]any); env["ok"] != true {
		t.Errorf("execute_lua over HTTP: %s", toolText(res))
	}
}

func mcpHasName(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// httpRPC is rpcSession (see mcp_bombs_test.go) for tests that stop at the
// first error.
type httpRPC struct{ s rpcSession }

func (h *httpRPC) notify(t *testing.T, method string) {
	t.Helper()
	if _, err := h.s.post(context.Background(), map[string]any{"jsonrpc": "2.0", "method": method}); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
}

func (h *httpRPC) call(t *testing.T, method string, params any) map[string]any {
	t.Helper()
	res, err := h.s.call(context.Background(), method, params)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
