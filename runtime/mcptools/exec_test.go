//lint:file-ignore SA1019 these tests check the logging that clients before protocol 2026-07-28 still use

package mcptools

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// emulated returns a runtime served by a fresh in-process emulator. It skips the
// test while runtime.Run is not wired yet.
func emulated(t testing.TB, opts runtime.Options) *runtime.Runtime {
	t.Helper()
	emu, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.APIKey = emulator.DefaultAPIKey
	opts.BaseURL = "http://emulator.invalid"
	opts.HTTPClient = &http.Client{Transport: emu.Transport()}
	rt, err := runtime.New(&opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	if _, err := rt.Run(context.Background(), runtime.Script{Source: "return 1"}); err != nil && strings.Contains(err.Error(), "not wired") {
		t.Skip("runtime.Run is not wired yet")
	}
	return rt
}

// envelope decodes execute_lua's structuredContent.
func envelope(t testing.TB, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("structuredContent is not a JSON object: %s", b)
	}
	return m
}

func TestExecuteLua(t *testing.T) {
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	cs := connect(t, rt, nil, nil)
	tests := []struct {
		name        string
		args        map[string]any
		wantOutcome string
		wantError   bool
		wantResult  any    // compared when non-nil
		wantKind    string // error kind, when set
		wantText    string // substring of the text content
	}{
		{"arithmetic", map[string]any{"code": "return 1 + 1"}, "completed", false, float64(2), "", "result: 2"},
		{"args", map[string]any{"code": "return args.x * 2", "args": map[string]any{"x": 21}}, "completed", false, float64(42), "", "result: 42"},
		{"several returns", map[string]any{"code": `return "a", "b"`}, "completed", false, []any{"a", "b"}, "", `result: ["a","b"]`},
		{"read call", map[string]any{"code": "local p = workos.organizations_list{limit = 2}\nreturn {object = p.object, n = #p.data <= 2}"}, "completed", false, map[string]any{"object": "list", "n": true}, "", "1 call"},
		{"runtime error", map[string]any{"code": "local x = nil\nreturn x.y"}, "error", true, nil, "runtime_error", "error: runtime_error"},
		{"syntax error", map[string]any{"code": "return ("}, "error", true, nil, "syntax_error", "syntax_error"},
		{"write denied", map[string]any{"code": `return workos.organizations_create{name = "Acme"}`}, "denied", true, nil, "denied", "denied"},
		{"empty code", map[string]any{"code": "  "}, "", true, nil, "", "code is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, res := callText(t, cs, "execute_lua", tt.args)
			if res.IsError != tt.wantError {
				t.Errorf("isError = %v, want %v; text:\n%s", res.IsError, tt.wantError, text)
			}
			if !strings.Contains(text, tt.wantText) {
				t.Errorf("text does not contain %q:\n%s", tt.wantText, text)
			}
			if tt.wantOutcome == "" {
				return
			}
			env := envelope(t, res)
			if env["outcome"] != tt.wantOutcome {
				t.Errorf("outcome = %v, want %s; envelope: %v", env["outcome"], tt.wantOutcome, env)
			}
			if tt.wantResult != nil {
				if diff := cmp.Diff(tt.wantResult, env["result"]); diff != "" {
					t.Errorf("result mismatch (-want +got):\n%s", diff)
				}
			}
			if tt.wantKind != "" {
				e, _ := env["error"].(map[string]any)
				if e["kind"] != tt.wantKind {
					t.Errorf("error kind = %v, want %s", e["kind"], tt.wantKind)
				}
			}
		})
	}
}

// recorder is a slog handler that reports the server's "tool call" records.
type recorder struct {
	mu    sync.Mutex
	calls []map[string]any
	ch    chan map[string]any
}

func newRecorder() *recorder { return &recorder{ch: make(chan map[string]any, 100)} }

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	if rec.Message != "tool call" {
		return nil
	}
	m := map[string]any{}
	rec.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.Any(); return true })
	r.mu.Lock()
	r.calls = append(r.calls, m)
	r.mu.Unlock()
	r.ch <- m
	return nil
}

// TestCancelInfiniteLoop cancels a running `while true do end` and checks the
// server's handler returns long before the runtime's own timeout.
func TestCancelInfiniteLoop(t *testing.T) {
	rt := emulated(t, runtime.Options{Timeout: 2 * time.Minute})
	rec := newRecorder()
	cs := connect(t, rt, &Options{Logger: slog.New(rec)}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "while true do end"}})
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond) // let the script start
	cancel()                           // the client sends notifications/cancelled
	if err := <-errc; err == nil {
		t.Fatal("CallTool succeeded after cancellation")
	}
	select {
	case m := <-rec.ch:
		if m["outcome"] == "completed" {
			t.Errorf("cancelled run reports outcome completed: %v", m)
		}
		t.Logf("server handler ended %v after the call started: %v", time.Since(start).Round(time.Millisecond), m)
	case <-time.After(10 * time.Second):
		t.Fatal("the server's handler was still running 10s after cancellation: the script was not stopped")
	}
	// The session still works.
	if text, res := callText(t, cs, "execute_lua", map[string]any{"code": "return 'alive'"}); res.IsError {
		t.Errorf("call after cancellation failed: %s", text)
	}
}

// TestTimeoutCannotBeRaised: timeout_ms above the server's cap is lowered.
func TestTimeoutCannotBeRaised(t *testing.T) {
	rt := emulated(t, runtime.Options{Timeout: 500 * time.Millisecond})
	cs := connect(t, rt, nil, nil)
	start := time.Now()
	_, res := callText(t, cs, "execute_lua", map[string]any{"code": "while true do end", "timeout_ms": 600000})
	if env := envelope(t, res); env["outcome"] != "timeout" || !res.IsError {
		t.Errorf("outcome = %v (isError %v), want timeout", env["outcome"], res.IsError)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the run took %v: timeout_ms raised the server's 500ms cap", d)
	}
	// A lower timeout_ms tightens it.
	rt2 := emulated(t, runtime.Options{Timeout: time.Minute})
	cs2 := connect(t, rt2, nil, nil)
	_, res = callText(t, cs2, "execute_lua", map[string]any{"code": "while true do end", "timeout_ms": 200})
	if env := envelope(t, res); env["outcome"] != "timeout" {
		t.Errorf("timeout_ms 200: outcome = %v, want timeout", env["outcome"])
	}
}

// TestLargeResultIsSummarised: a result over MaxResultBytes comes back as a
// valid-JSON summary, in structuredContent and in the text.
func TestLargeResultIsSummarised(t *testing.T) {
	rt := emulated(t, runtime.Options{})
	cs := connect(t, rt, &Options{MaxResultBytes: 4000}, nil)
	code := `local t = {}
for i = 1, 2000 do t[i] = {id = "item_" .. i, name = string.rep("x", 20)} end
return t`
	text, res := callText(t, cs, "execute_lua", map[string]any{"code": code})
	env := envelope(t, res)
	raw, _ := json.Marshal(env["result"])
	if len(raw) > 4000 {
		t.Errorf("result is %d bytes, over the 4000-byte cap", len(raw))
	}
	summary, ok := env["result"].(map[string]any)
	if !ok || summary["truncated"] != true {
		t.Fatalf("result is not a truncation summary: %s", raw)
	}
	_, line, _ := strings.Cut(text, "result: ")
	line, _, _ = strings.Cut(line, "\n")
	if !json.Valid([]byte(line)) {
		t.Errorf("the text's result line is not valid JSON: %s", line)
	}
}

// TestProgressAndLogging: a client that sends a progress token gets heartbeats,
// and a client that set a log level gets one log message per call.
func TestProgressAndLogging(t *testing.T) {
	rt := emulated(t, runtime.Options{})
	var progress atomic.Int32
	logs := make(chan *mcp.LoggingMessageParams, 10)
	cs := connect(t, rt, &Options{ProgressInterval: 20 * time.Millisecond}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			if req.Params.ProgressToken == "tok-1" && req.Params.Progress > 0 {
				progress.Add(1)
			}
		},
		LoggingMessageHandler: func(_ context.Context, req *mcp.LoggingMessageRequest) { logs <- req.Params },
	})
	if err := cs.SetLoggingLevel(context.Background(), &mcp.SetLoggingLevelParams{Level: "info"}); err != nil {
		t.Fatal(err)
	}
	params := &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "while true do end", "timeout_ms": 400}}
	params.SetProgressToken("tok-1")
	// From protocol 2026-07-28 on, the log level travels with each request.
	params.Meta[mcp.MetaKeyLogLevel] = "info"
	t.Logf("protocol %s", cs.InitializeResult().ProtocolVersion)
	if _, err := cs.CallTool(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	if progress.Load() == 0 {
		t.Error("no progress notification for a 400ms run with a 20ms interval")
	}
	select {
	case m := <-logs:
		data, _ := m.Data.(map[string]any)
		if data["tool"] != "execute_lua" || data["outcome"] != "timeout" || m.Level != "warning" {
			t.Errorf("log message = %+v, want execute_lua timeout at warning", m)
		}
	case <-time.After(5 * time.Second):
		t.Error("no log message for the call")
	}
}

// TestFunctionTools calls per-function tools against the emulator.
func TestFunctionTools(t *testing.T) {
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	cs := connect(t, rt, &Options{Tools: ModeAll}, nil)
	text, res := callText(t, cs, "workos_organizations_list", map[string]any{"limit": 1})
	if res.IsError {
		t.Fatalf("workos_organizations_list failed: %s", text)
	}
	m, ok := res.StructuredContent.(map[string]any)
	if !ok || m["object"] != "list" {
		t.Errorf("structuredContent = %T %v, want the list object", res.StructuredContent, res.StructuredContent)
	}
	if !json.Valid([]byte(text)) {
		t.Errorf("text content is not the JSON of the result: %s", text)
	}
	// A write tool is not registered on a read-only server.
	_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "workos_organizations_create", Arguments: map[string]any{"name": "x"}})
	if err == nil || !strings.Contains(err.Error(), "workos_organizations_create") {
		t.Errorf("calling a hidden write tool: err = %v, want unknown tool", err)
	}
	// An API error is a tool error, not a protocol error.
	text, res = callText(t, cs, "workos_organizations_find", map[string]any{"id": "org_does_not_exist"})
	if !res.IsError || !strings.Contains(text, "404") {
		t.Errorf("missing organization: isError %v, text %q; want a 404 tool error", res.IsError, text)
	}
}

// TestConcurrentExecuteLua runs 50 execute_lua calls at once against one
// emulator; each creates its own organization and must get exactly its own
// result back.
func TestConcurrentExecuteLua(t *testing.T) {
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteAllow})
	cs := connect(t, rt, nil, nil)
	const n = 50
	code := `local created = workos.organizations_create{name = args.name}
local got = workos.organizations_find{id = created.id}
local sum = 0
for i = 1, args.n do sum = sum + i end
return {name = got.name, sum = sum}`
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("Concurrent Org %02d", i)
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{
				"code": code, "args": map[string]any{"name": name, "n": i * 1000},
			}})
			if err != nil {
				errs <- fmt.Errorf("call %d: %v", i, err)
				return
			}
			env := envelope(t, res)
			want := map[string]any{"name": name, "sum": float64(i * 1000 * (i*1000 + 1) / 2)}
			if diff := cmp.Diff(want, env["result"]); diff != "" || res.IsError {
				errs <- fmt.Errorf("call %d: result mismatch (-want +got):\n%s\nenvelope: %v", i, diff, env)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestFunctionToolWrite: with writes allowed, a write tool takes body fields at
// the top level or under body, and the result is the created object.
func TestFunctionToolWrite(t *testing.T) {
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteAllow})
	cs := connect(t, rt, &Options{Tools: ModeFunctions}, nil)
	for _, args := range []map[string]any{
		{"name": "Acme Top Level"},
		{"body": map[string]any{"name": "Acme In Body"}},
	} {
		text, res := callText(t, cs, "workos_organizations_create", args)
		if res.IsError {
			t.Fatalf("workos_organizations_create(%v): %s", args, text)
		}
		m, _ := res.StructuredContent.(map[string]any)
		want := args["name"]
		if want == nil {
			want = args["body"].(map[string]any)["name"]
		}
		if m["name"] != want || !strings.HasPrefix(fmt.Sprint(m["id"]), "org_") {
			t.Errorf("created %v, want an organization named %v", m, want)
		}
	}
	// A validation error (missing required name) is a tool error.
	text, res := callText(t, cs, "workos_organizations_create", map[string]any{})
	if !res.IsError || !strings.Contains(text, "name") {
		t.Errorf("missing name: isError %v, text %q", res.IsError, text)
	}
}

// TestProgressReportsCalls: with a progress token, WorkOS calls (also those of
// workos.batch, made from several goroutines) send rate-limited progress
// notifications that count the calls and name the last function. The heartbeat
// is set to an hour, so every notification here comes from a call.
func TestProgressReportsCalls(t *testing.T) {
	rt := emulated(t, runtime.Options{})
	var (
		mu       sync.Mutex
		messages []string
		values   []float64
	)
	cs := connect(t, rt, &Options{ProgressInterval: time.Hour}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			if req.Params.ProgressToken != "tok-calls" {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			messages = append(messages, req.Params.Message)
			values = append(values, req.Params.Progress)
		},
	})
	code := `for i = 1, 5 do workos.organizations_list{limit = 1} end
workos.batch({{"organizations_list", {limit = 1}}, {"organizations_list", {limit = 2}}, {"organizations_list", {limit = 3}}})
-- keep running past CallProgressInterval, so the calls that came too soon are reported
local t = os.clock()
while os.clock() - t < 1 do end
return "done"`
	params := &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": code}}
	params.SetProgressToken("tok-calls")
	start := time.Now()
	res, err := cs.CallTool(context.Background(), params)
	elapsed := time.Since(start)
	if err != nil || res.IsError {
		t.Fatalf("CallTool: %v %+v", err, res)
	}
	if env := envelope(t, res); env["result"] != "done" {
		t.Fatalf("envelope: %v", env)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(messages) == 0 {
		t.Fatal("no progress notification for a run that made 8 WorkOS calls")
	}
	// The last notification reports every call: the run outlived the rate limit.
	if last := messages[len(messages)-1]; !strings.Contains(last, "8 WorkOS calls so far (last: organizations_list)") {
		t.Errorf("last progress message %q does not report the 8 calls; all: %q", last, messages)
	}
	for _, m := range messages {
		if !strings.HasPrefix(m, "execute_lua running for ") || !strings.Contains(m, "WorkOS call") {
			t.Errorf("progress message %q lacks the tool or the call count", m)
		}
	}
	if max := 2 + int(elapsed/CallProgressInterval); len(messages) > max {
		t.Errorf("%d progress notifications in %v, want at most %d (one per %v)", len(messages), elapsed, max, CallProgressInterval)
	}
	for i := 1; i < len(values); i++ {
		if values[i] <= values[i-1] {
			t.Errorf("progress values do not increase: %v", values)
			break
		}
	}
	t.Logf("%d notifications in %v: %q", len(messages), elapsed.Round(time.Millisecond), messages)
}

// TestProgressHeartbeatCountsCalls: heartbeats of execute_lua carry the call
// count too, including "no WorkOS calls yet".
func TestProgressHeartbeatCountsCalls(t *testing.T) {
	rt := emulated(t, runtime.Options{})
	msgs := make(chan string, 100)
	cs := connect(t, rt, &Options{ProgressInterval: 20 * time.Millisecond}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			select {
			case msgs <- req.Params.Message:
			default:
			}
		},
	})
	params := &mcp.CallToolParams{Name: "execute_lua", Arguments: map[string]any{"code": "while true do end", "timeout_ms": 200}}
	params.SetProgressToken(7)
	if _, err := cs.CallTool(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-msgs:
		if !strings.Contains(m, "no WorkOS calls yet") {
			t.Errorf("heartbeat message %q, want the call count", m)
		}
	default:
		t.Error("no heartbeat for a 200ms run with a 20ms interval")
	}
}
