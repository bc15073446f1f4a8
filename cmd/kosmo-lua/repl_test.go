package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// luaSession is a test session over one plain gopher-lua state, with the json
// module and a fake workos module whose functions echo their name and
// arguments. Like the runtime, it returns null for no value and an array for
// several.
type luaSession struct {
	L    *lua.LState
	logs []string
}

func newLuaSession(t *testing.T) *luaSession {
	s := &luaSession{}
	s.reset()
	t.Cleanup(s.Close)
	return s
}

func (s *luaSession) reset() {
	if s.L != nil {
		s.L.Close()
	}
	L := lua.NewState()
	luajson.Preload(L)
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var parts []string
		for i := 1; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		s.logs = append(s.logs, strings.Join(parts, "\t"))
		return 0
	}))
	wk := L.NewTable()
	mt := L.NewTable()
	L.SetField(mt, "__index", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(2)
		L.Push(L.NewFunction(func(L *lua.LState) int {
			res := L.NewTable()
			L.SetField(res, "function", lua.LString(name))
			if a, ok := L.Get(1).(*lua.LTable); ok {
				L.SetField(res, "args", a)
			}
			L.Push(res)
			return 1
		}))
		return 1
	}))
	L.SetMetatable(wk, mt)
	L.SetGlobal("workos", wk)
	s.L = L
}

func (s *luaSession) Reset() error { s.reset(); return nil }

func (s *luaSession) Restarted() bool { return false }

func (s *luaSession) Close() { s.L.Close() }

func (s *luaSession) Run(ctx context.Context, in runtime.Script) (*runtime.Result, error) {
	s.logs = nil
	fail := func(kind, msg string) *runtime.Result {
		return &runtime.Result{Outcome: runtime.OutcomeError, Result: json.RawMessage("null"), Logs: s.logs, Error: &runtime.ErrorInfo{Kind: kind, Message: msg}}
	}
	fn, err := s.L.LoadString(in.Source)
	if err != nil {
		return fail(runtime.KindSyntax, err.Error()), nil
	}
	top := s.L.GetTop()
	s.L.Push(fn)
	if err := s.L.PCall(0, lua.MultRet, nil); err != nil {
		return fail(runtime.KindRuntime, err.Error()), nil
	}
	n := s.L.GetTop() - top
	res := &runtime.Result{OK: true, Outcome: runtime.OutcomeCompleted, Result: json.RawMessage("null"), Logs: s.logs}
	var vals []json.RawMessage
	for i := 1; i <= n; i++ {
		b, err := luajson.Encode(s.L.Get(top+i), nil)
		if err != nil {
			return fail(runtime.KindRuntime, err.Error()), nil
		}
		vals = append(vals, b)
	}
	s.L.SetTop(top)
	switch n {
	case 0:
	case 1:
		res.Result = vals[0]
	default:
		res.Result, _ = json.Marshal(vals)
	}
	return res, nil
}

func TestReplChunk(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		complete bool
	}{
		{"1 + 1", "return 1 + 1", true},
		{"x = 1", "x = 1", true},
		{"workos.organizations_list{limit = 1}", "return workos.organizations_list{limit = 1}", true},
		{"for i = 1, 3 do", "", false},
		{"t = {", "", false},
		{"local s = [[abc", "", false},
		{"f(", "", false},
		{"function f()\n  return 1\nend", "function f()\n  return 1\nend", true},
		{"x = 'abc", "x = 'abc", true}, // an unfinished short string is an error, not a continuation
		{"end", "end", true},           // a syntax error is run and reported
	}
	for _, tt := range tests {
		got, complete := replChunk(tt.in)
		if got != tt.want || complete != tt.complete {
			t.Errorf("replChunk(%q) = %q, %v; want %q, %v", tt.in, got, complete, tt.want, tt.complete)
		}
	}
}

func TestCompleteLua(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		name    string
		pending string
		before  string
		want    []string
		wantLen int
	}{
		{"function names", "", "return workos.organizations_li", []string{"st"}, len("organizations_li")},
		{"module name", "", "x = wor", []string{"kos."}, 3},
		{"argument keys", "", "workos.organizations_list{li", []string{"mit = "}, 2},
		{"argument keys after others", "", `workos.organizations_list{limit = 1, ord`, []string{"er = "}, 3},
		{"argument keys with paren", "", `local r = workos.organizations_list({ se`, []string{"arch = "}, 2},
		{"argument keys on a continuation line", "local r = workos.organizations_list{\n", "  li", []string{"mit = "}, 2},
		{"closed table: no keys", "", "workos.organizations_list{limit = 1} li", nil, 0},
		{"brace in a string is ignored", "", `workos.organizations_list{search = "{", li`, []string{"mit = "}, 2},
		{"commands", "", ":q", []string{"uit"}, 2},
		{"doc names", "", ":doc organizations_li", []string{"st"}, len("organizations_li")},
		{"unknown field", "", "foo.ba", nil, 0},
	}
	for _, tt := range tests {
		got, n := completeLua(cat, tt.pending, tt.before)
		if diff := cmp.Diff(tt.want, got); diff != "" || n != tt.wantLen {
			t.Errorf("%s: completeLua(%q) len %d (want %d) mismatch (-want +got):\n%s", tt.name, tt.before, n, tt.wantLen, diff)
		}
	}
}

// TestREPLInputStream drives the REPL through its input stream (stdin not a
// terminal): state across lines, multi-line input, commands, errors.
func TestREPLInputStream(t *testing.T) {
	var out, errb bytes.Buffer
	r := &repl{sess: newLuaSession(t), cat: catalog.Default(), out: &out, errOut: &errb}
	input := strings.Join([]string{
		"x = 20",
		"x + 1",
		"for i = 1, 2 do",
		"  x = x + i",
		"end",
		"x",
		"print('hi')",
		"t = {",
		"  a = 1,",
		"}",
		"t",
		"error('boom')",
		"workos.organizations_list{limit = 2}",
		":doc organizations_list",
		":reset",
		"x",
		":quit",
		"never = 1",
	}, "\n")
	// error('boom') failed, so the piped REPL ends with that input's code.
	var ee *ExitError
	if err := r.loopPlain(context.Background(), strings.NewReader(input)); !errors.As(err, &ee) || ee.Code != exitError {
		t.Fatalf("loopPlain = %v, want an exit %d for the failed input", err, exitError)
	}
	want := "21\n23\n{\"a\":1}\n{\"args\":{\"limit\":2},\"function\":\"organizations_list\"}\n"
	got := out.String()
	docAt := strings.Index(got, `"# workos.organizations_list`)
	if docAt < 0 {
		t.Fatalf(":doc printed nothing; stdout %q", got)
	}
	if diff := cmp.Diff(want, got[:docAt]); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s", diff)
	}
	for i, line := range strings.Split(strings.TrimSpace(got), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("stdout line %d is not JSON: %q", i+1, line)
		}
	}
	if strings.Contains(got[docAt:], "never") {
		t.Errorf("output after :quit: %q", got[docAt:])
	}
	for _, w := range []string{"hi\n", "error: runtime_error", "boom", "state cleared"} {
		if !strings.Contains(errb.String(), w) {
			t.Errorf("stderr %q lacks %q", errb.String(), w)
		}
	}
	// After :reset, x is nil: "null" is the last value printed.
	if !strings.HasSuffix(strings.TrimSpace(got), "null") {
		t.Errorf("after :reset want null, got tail %q", got[len(got)-20:])
	}
}

func TestREPLIncompleteAtEOF(t *testing.T) {
	var out, errb bytes.Buffer
	r := &repl{sess: newLuaSession(t), cat: catalog.Default(), out: &out, errOut: &errb}
	err := r.loopPlain(context.Background(), strings.NewReader("for i = 1, 2 do\n"))
	if code := reportError(&errb, "kosmo-lua repl", err); code != exitError {
		t.Errorf("exit = %d, want %d", code, exitError)
	}
}

// openPTY opens a pseudo-terminal (the test is skipped where there is none)
// and collects everything written to its terminal side in term; both ends
// close when the test ends.
func openPTY(t *testing.T) (ptm, tty *os.File, term *ptyOutput) {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptm.Close(); tty.Close() })
	term = &ptyOutput{}
	go func() { _, _ = io.Copy(term, ptm) }()
	return ptm, tty, term
}

// ptyOutput collects everything written to a pseudo-terminal.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (p *ptyOutput) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.Write(b)
}

func (p *ptyOutput) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

// expect waits until the output after from contains want and returns the end offset.
func (p *ptyOutput) expect(t *testing.T, from int, want string) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s := p.String()
		if i := strings.Index(s[from:], want); i >= 0 {
			return from + i + len(want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %q; terminal shows:\n%s", want, p.String()[from:])
	return 0
}

// ptyREPL is the readline REPL on a pseudo-terminal, as a test drives it.
type ptyREPL struct {
	ptm  *os.File
	out  *ptyOutput
	done chan error
}

// ptyStep is one input sent to a ptyREPL and what the terminal must show
// after it.
type ptyStep struct{ send, want string }

// startPTYREPL runs sess's REPL on a new pseudo-terminal (hist: its history
// file, "" for the default), or skips the test where there is none.
func startPTYREPL(t *testing.T, sess replSession, hist string) *ptyREPL {
	t.Helper()
	ptm, tty, term := openPTY(t)
	if err := pty.Setsize(ptm, &pty.Winsize{Rows: 40, Cols: 200}); err != nil {
		t.Fatal(err)
	}
	p := &ptyREPL{ptm: ptm, out: term, done: make(chan error, 1)}
	ios := &IOStreams{In: tty, Out: tty, ErrOut: tty, stdinTTY: true, stdoutTTY: true, stderrTTY: true}
	opts := &REPLOptions{IO: ios, Catalog: catalog.Default()}
	if hist != "" {
		opts.HistoryPath = func() (string, error) { return hist, nil }
	}
	r := &repl{sess: sess, cat: opts.Catalog, out: tty, errOut: tty, pretty: true}
	go func() { p.done <- r.loopReadline(context.Background(), opts) }()
	return p
}

// run waits for the first prompt, then sends each step and waits for its
// output.
func (p *ptyREPL) run(t *testing.T, steps []ptyStep) {
	t.Helper()
	at := p.out.expect(t, 0, replPrompt)
	for _, s := range steps {
		if _, err := p.ptm.Write([]byte(s.send)); err != nil {
			t.Fatal(err)
		}
		at = p.out.expect(t, at, s.want)
	}
}

// quit sends :quit and waits for the REPL to end without an error.
func (p *ptyREPL) quit(t *testing.T) {
	t.Helper()
	if _, err := p.ptm.Write([]byte(":quit\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("REPL did not quit")
	}
}

// TestREPLPseudoTerminal drives the readline REPL through a pseudo-terminal:
// tab completion of names and argument keys, the continuation prompt of
// multi-line input, and state across lines.
func TestREPLPseudoTerminal(t *testing.T) {
	hist := t.TempDir() + "/state/repl_history"
	p := startPTYREPL(t, newLuaSession(t), hist)
	p.run(t, []ptyStep{
		{"y = 5\r", replPrompt},
		{"y * 2\r", "10"},
		{"for i = 1, 2 do\r", replContPrompt},
		{"y = y + i\r", replContPrompt},
		{"end\r", replPrompt},
		{"y\r", "8"},
		// Tab completes the function name, then an argument key.
		{"workos.organizations_li\t", "workos.organizations_list"},
		{"{lim\t", "{limit = "},
		{"3}\r", `"limit": 3`},
	})
	p.quit(t)
	b, err := os.ReadFile(hist)
	if err != nil || !strings.Contains(string(b), "y * 2") {
		t.Errorf("history file: %v %q", err, b)
	}
}

func TestPackValues(t *testing.T) {
	tests := []struct {
		in     string
		packed bool
		always bool
	}{
		{"x", false, true},
		{"1 + 1", false, true},
		{"(f())", false, true}, // parenthesised: one value
		{"f()", true, false},   // a call may return none or several
		{"workos.organizations_list{limit = 1}", true, false},
		{"x, y", true, false},
		{"x, nil", true, false},
	}
	for _, tt := range tests {
		chunk, always := packValues(tt.in)
		// "packed" inputs (calls, several values) print nothing for nil.
		if chunk != "return "+tt.in || always != tt.always || always == tt.packed {
			t.Errorf("packValues(%q) = %q, %v; want packed %v, always %v", tt.in, chunk, always, tt.packed, tt.always)
		}
		if !strings.Contains(chunk, tt.in) || strings.Count(chunk[:strings.Index(chunk, tt.in)], "\n") != 0 {
			t.Errorf("packValues(%q) = %q: the input must start on the first line", tt.in, chunk)
		}
	}
}

// TestREPLSessionValues checks the printed values of expressions and
// statements over the test session: nothing for a call that returns nothing
// or a statement, null for a nil variable, nils kept among several values.
func TestREPLSessionValues(t *testing.T) {
	var out, errb bytes.Buffer
	r := &repl{sess: newLuaSession(t), cat: catalog.Default(), out: &out, errOut: &errb}
	input := strings.Join([]string{
		"function none() end",
		"function three() return 1, nil, nil end",
		"none()",
		"missing",
		"three()",
		"1, nil, 'a'",
		"(three())",
		"do return 5 end",
		"local y = nil return y",
	}, "\n")
	if err := r.loopPlain(context.Background(), strings.NewReader(input)); err != nil {
		t.Fatal(err)
	}
	want := "null\n[1,null,null]\n[1,null,\"a\"]\n1\n5\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s\nstderr: %s", diff, errb.String())
	}
}

// TestREPLSessionOnRuntime drives `kosmo-lua repl --emulate` over the real
// runtime session: a function defined on one line is called on the next, and
// an input that runs past --timeout ends the state, which the next input
// reports with a note.
func TestREPLSessionOnRuntime(t *testing.T) {
	te := emulatedEnv(t)
	te.in.WriteString(strings.Join([]string{
		"function greet(name) return 'hi ' .. name end",
		"greet('ada')",
		"local function twice(f, x) return f(f(x)) end",
		"twice", // locals last one input
		"kept = #workos.organizations_list{limit = 2}.data",
		"function count() return kept end",
		"count()",
		"while true do end",
		"kept",
		"greet",
		"kept = 3",
		"kept",
	}, "\n"))
	code := te.run("repl", "--emulate", "--timeout", "500ms")
	skipUntilWired(t, te.errb.String())
	// The loop input timed out, so the piped REPL ends with exit 3.
	if code != exitLimit {
		t.Fatalf("exit %d, want %d: %s", code, exitLimit, te.errb.String())
	}
	want := "\"hi ada\"\nnull\n2\nnull\nnull\n3\n"
	if diff := cmp.Diff(want, te.out.String()); diff != "" {
		t.Errorf("stdout mismatch (-want +got):\n%s\nstderr: %s", diff, te.errb.String())
	}
	errOut := te.errb.String()
	if n := strings.Count(errOut, replNote); n != 1 {
		t.Errorf("stderr has the reset note %d times, want once:\n%s", n, errOut)
	}
	timeoutAt, noteAt := strings.Index(errOut, "error: timeout"), strings.Index(errOut, replNote)
	if timeoutAt < 0 || noteAt < timeoutAt {
		t.Errorf("want the timeout error, then the note; stderr:\n%s", errOut)
	}
	if !strings.Contains(errOut, resetNote(runtime.KindTimeout)) {
		t.Errorf("the note does not say the time limit reset the state:\n%s", errOut)
	}
	if strings.Contains(errOut, "not kept") {
		t.Errorf("stderr mentions the old workaround:\n%s", errOut)
	}
}

// TestREPLDocGuide: :doc reads a guide with the session's own limits, and an
// unknown name points to the guides.
func TestREPLDocGuide(t *testing.T) {
	var out, errb bytes.Buffer
	r := &repl{sess: newLuaSession(t), cat: catalog.Default(), out: &out, errOut: &errb, pretty: true}
	input := ":doc pagination\n:doc Limits\n:doc nope\n"
	if err := r.loopPlain(context.Background(), strings.NewReader(input)); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# pagination", "workos.paginate", "# limits", "| 30s |"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("stdout lacks %q:\n%s", w, out.String())
		}
	}
	if !strings.Contains(errb.String(), "guides: overview, errors, pagination") {
		t.Errorf("stderr for an unknown page does not list the guides: %q", errb.String())
	}
	if strings.Contains(out.String()+errb.String(), "unknown function \"pagination\"") {
		t.Errorf(":doc pagination answered unknown function")
	}
}
