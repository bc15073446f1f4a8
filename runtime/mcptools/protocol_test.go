package mcptools

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// transports are the ways a client reaches the server.
var transports = []string{"http", "http-nosessions", "stdio"}

// dial connects an SDK client on protocol version to srv over transport:
// "http", "http-nosessions" (HTTPOptions.NoSessions) or "stdio".
func dial(t *testing.T, srv *mcp.Server, transport, version string) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	client := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1.0.0"}, nil)
	var ct mcp.Transport
	switch transport {
	case "http", "http-nosessions":
		hs := httptest.NewServer(HTTPHandlerWith(srv, &HTTPOptions{NoSessions: transport == "http-nosessions"}))
		t.Cleanup(hs.Close)
		ct = &mcp.StreamableClientTransport{Endpoint: hs.URL, DisableStandaloneSSE: true}
	case "stdio":
		inR, inW := io.Pipe()
		outR, outW := io.Pipe()
		done := make(chan error, 1)
		go func() { done <- ServeStdio(ctx, srv, inR, outW); outW.Close() }()
		t.Cleanup(func() {
			inW.Close()
			if err := <-done; err != nil {
				t.Errorf("ServeStdio: %v", err)
			}
		})
		ct = &mcp.IOTransport{Reader: outR, Writer: inW}
	}
	cs, err := client.Connect(ctx, ct, &mcp.ClientSessionOptions{ProtocolVersion: version})
	if err != nil {
		t.Fatalf("connect on %s over %s: %v", version, transport, err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// TestSessionOnEveryRevision runs a whole session (discovery or initialize,
// tools/list, a doc read, a script, a refused write) with an SDK client on
// each protocol revision the SDK supports, over HTTP and stdio.
func TestSessionOnEveryRevision(t *testing.T) {
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	srv := NewServer(rt, nil)
	for _, version := range mcp.SupportedProtocolVersions() {
		for _, transport := range transports {
			t.Run(version+"/"+transport, func(t *testing.T) {
				cs := dial(t, srv, transport, version)
				if got := cs.InitializeResult().ProtocolVersion; got != version {
					t.Errorf("negotiated %s, want %s", got, version)
				}
				var names []string
				for _, tool := range listTools(t, cs) {
					names = append(names, tool.Name)
				}
				if diff := cmp.Diff([]string{ToolExecuteLua, ToolListDocs, ToolReadDoc, ToolSearchDocs}, names); diff != "" {
					t.Errorf("tools/list (-want +got):\n%s", diff)
				}
				if text, res := callText(t, cs, ToolReadDoc, map[string]any{"page": "organizations_list"}); res.IsError || !strings.Contains(text, "organizations_list") {
					t.Errorf("lua_read_doc: %s", text)
				}
				_, res := callText(t, cs, ToolExecuteLua, map[string]any{"code": `return {n = #workos.organizations_list{limit = 1}.data}`})
				if env := envelope(t, res); env["ok"] != true || res.IsError {
					t.Errorf("execute_lua: %v", env)
				}
				_, res = callText(t, cs, ToolExecuteLua, map[string]any{"code": `return workos.organizations_create{name = "x"}`})
				if env := envelope(t, res); env["outcome"] != "denied" {
					t.Errorf("write under deny: %v", env)
				}
			})
		}
	}
}

// TestListResultsCarryCacheFields checks ttlMs and cacheScope on the list
// results and the tools/list order, which must not depend on the call.
func TestListResultsCarryCacheFields(t *testing.T) {
	srv := NewServer(newRuntime(t, runtime.WriteDeny), &Options{Tools: ModeAll})
	cs := dial(t, srv, "http", StatelessProtocolVersion)
	var orders [][]string
	for range 3 {
		res, err := cs.ListTools(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.TTLMs != int(ListTTL/time.Millisecond) || res.CacheScope != cacheScopePublic {
			t.Errorf("tools/list cache fields: ttlMs %d, cacheScope %q", res.TTLMs, res.CacheScope)
		}
		var names []string
		for _, tool := range res.Tools {
			names = append(names, tool.Name)
		}
		orders = append(orders, names)
	}
	if !slices.IsSorted(orders[0]) {
		t.Errorf("tools/list is not sorted by name: %v", orders[0][:5])
	}
	for _, o := range orders[1:] {
		if diff := cmp.Diff(orders[0], o); diff != "" {
			t.Errorf("tools/list order changed between calls:\n%s", diff)
		}
	}
}

// rawStdio is a client speaking newline-delimited JSON-RPC to ServeStdio.
type rawStdio struct {
	w     io.Writer
	lines chan map[string]any
}

func newRawStdio(t *testing.T, srv *mcp.Server) *rawStdio {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { ServeStdio(ctx, srv, inR, outW); outW.Close() }()
	c := &rawStdio{w: inW, lines: make(chan map[string]any, 100)}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				c.lines <- m
			}
		}
	}()
	t.Cleanup(func() { inW.Close(); cancel() })
	return c
}

func (c *rawStdio) send(t *testing.T, msg map[string]any) {
	t.Helper()
	msg["jsonrpc"] = "2.0"
	b, _ := json.Marshal(msg)
	if _, err := c.w.Write(append(b, '\n')); err != nil {
		t.Fatal(err)
	}
}

// until reads messages up to the response with id, and returns the ids of
// the responses seen on the way.
func (c *rawStdio) until(t *testing.T, id float64) []float64 {
	t.Helper()
	var seen []float64
	timeout := time.After(30 * time.Second)
	for {
		select {
		case m, ok := <-c.lines:
			if !ok {
				t.Fatalf("the server closed stdout before answering %v", id)
			}
			if got, ok := m["id"].(float64); ok && m["method"] == nil {
				seen = append(seen, got)
				if got == id {
					return seen
				}
			}
		case <-timeout:
			t.Fatalf("no response %v within 30 s (saw %v)", id, seen)
		}
	}
}

// TestNoResponseAfterCancel: a request the client cancels gets no response
// (the spec's SHOULD NOT), and the next request is still answered.
func TestNoResponseAfterCancel(t *testing.T) {
	rec := newRecorder()
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	c := newRawStdio(t, NewServer(rt, &Options{Logger: slog.New(rec)}))
	c.send(t, map[string]any{"id": 1, "method": "initialize", "params": map[string]any{
		"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "raw", "version": "1"}}})
	c.until(t, 1)
	c.send(t, map[string]any{"method": "notifications/initialized"})
	c.send(t, map[string]any{"id": 2, "method": "tools/call", "params": map[string]any{"name": ToolExecuteLua, "arguments": map[string]any{"code": "while true do end"}}})
	time.Sleep(500 * time.Millisecond) // let the run start
	c.send(t, map[string]any{"method": "notifications/cancelled", "params": map[string]any{"requestId": 2, "reason": "test"}})
	select {
	case <-rec.ch: // the run ended: its response, if any, is written next
	case <-time.After(30 * time.Second):
		t.Fatal("the cancelled run did not end within 30 s")
	}
	time.Sleep(time.Second)
	c.send(t, map[string]any{"id": 3, "method": "tools/list"})
	if seen := c.until(t, 3); slices.Contains(seen, 2) {
		t.Errorf("the cancelled request 2 got a response (responses seen: %v)", seen)
	}
	// A reused id after the cancellation is answered normally.
	c.send(t, map[string]any{"id": 2, "method": "tools/list"})
	c.until(t, 2)
}

// TestStatelessCancelStopsRun: on 2026-07-28 over HTTP a client cancels by
// closing the request, which must stop the run long before its timeout.
func TestStatelessCancelStopsRun(t *testing.T) {
	rec := newRecorder()
	rt := emulated(t, runtime.Options{Timeout: 2 * time.Minute})
	cs := dial(t, NewServer(rt, &Options{Logger: slog.New(rec)}), "http", StatelessProtocolVersion)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolExecuteLua, Arguments: map[string]any{"code": "while true do end"}})
		errc <- err
	}()
	time.Sleep(500 * time.Millisecond)
	cancel()
	if err := <-errc; err == nil {
		t.Error("the cancelled call returned a result")
	}
	select {
	case m := <-rec.ch:
		if m["outcome"] == string(runtime.OutcomeCompleted) {
			t.Errorf("the cancelled run completed: %v", m)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run went on for 30 s after its request was closed")
	}
}

// postRPC POSTs one JSON-RPC message in a legacy HTTP session and returns
// the response body and the session id the server set.
func postRPC(t *testing.T, url, session string, msg map[string]any) (string, string) {
	t.Helper()
	msg["jsonrpc"] = "2.0"
	b, _ := json.Marshal(msg)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return "", ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body), resp.Header.Get("Mcp-Session-Id")
}

// TestNoResponseAfterCancelHTTPSession: in a legacy HTTP session the
// cancelled call's stream ends without its response.
func TestNoResponseAfterCancelHTTPSession(t *testing.T) {
	rec := newRecorder()
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteDeny, Timeout: 2 * time.Minute})
	hs := httptest.NewServer(HTTPHandler(NewServer(rt, &Options{Logger: slog.New(rec)})))
	defer hs.Close()
	_, session := postRPC(t, hs.URL, "", map[string]any{"id": 1, "method": "initialize", "params": map[string]any{
		"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "raw", "version": "1"}}})
	if session == "" {
		t.Fatal("no session id")
	}
	postRPC(t, hs.URL, session, map[string]any{"method": "notifications/initialized"})
	stream := make(chan string, 1)
	go func() {
		body, _ := postRPC(t, hs.URL, session, map[string]any{"id": 2, "method": "tools/call", "params": map[string]any{
			"name": ToolExecuteLua, "arguments": map[string]any{"code": "while true do end"}}})
		stream <- body
	}()
	time.Sleep(500 * time.Millisecond)
	postRPC(t, hs.URL, session, map[string]any{"method": "notifications/cancelled", "params": map[string]any{"requestId": 2}})
	select {
	case body := <-stream:
		if strings.Contains(body, `"id":2`) {
			t.Errorf("the cancelled call got a response:\n%s", body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the cancelled call's stream did not end within 30 s")
	}
	if body, _ := postRPC(t, hs.URL, session, map[string]any{"id": 3, "method": "tools/list"}); !strings.Contains(body, `"id":3`) {
		t.Errorf("the next request was not answered:\n%s", body)
	}
}
