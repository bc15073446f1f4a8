package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// skipUntilWired skips while runtime.Run/Call are still stubs.
func skipUntilWired(t *testing.T, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "not wired yet") {
		t.Skip("runtime.Run/Call not wired yet")
	}
}

// emulatedEnv is a test env whose --emulate uses the real in-process emulator.
func emulatedEnv(t *testing.T) *testEnv {
	te := newTestEnv(t)
	te.f.Emulator = inProcessEmulator
	return te
}

func TestRunAgainstEmulator(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   exitCode
		wantStdout string // exact, when set
		wantErrIn  []string
		envelope   bool
	}{
		{
			name:       "result on stdout, logs on stderr",
			args:       []string{"-e", `print("log line") return #workos.organizations_list{limit = 2}.data`},
			wantStdout: "2\n", wantErrIn: []string{"log line"},
		},
		{
			name:       "args",
			args:       []string{"-e", `return args.n * 2`, "--args", `{"n": 21}`},
			wantStdout: "42\n",
		},
		{
			name:       "script from stdin",
			args:       []string{"-"},
			stdin:      "return {ok = true}",
			wantStdout: "{\"ok\":true}\n",
		},
		{
			name:     "envelope",
			args:     []string{"-e", `print("x") return 1`, "--json"},
			envelope: true,
		},
		{name: "script error", args: []string{"-e", "error('boom')"}, wantCode: exitError, wantErrIn: []string{"boom"}},
		{name: "syntax error", args: []string{"-e", "return return"}, wantCode: exitError, wantErrIn: []string{"syntax_error"}},
		{name: "api error", args: []string{"-e", `return workos.organization_domains_get{id = "org_domain_missing"}`}, wantCode: exitError, wantErrIn: []string{"api_error", "404"}},
		{name: "timeout", args: []string{"-e", "while true do end", "--timeout", "1s"}, wantCode: exitLimit, wantErrIn: []string{"timeout"}},
		{name: "call budget", args: []string{"-e", "for i = 1, 3 do workos.organizations_list{limit = 1} end", "--max-calls", "2"}, wantCode: exitLimit, wantErrIn: []string{"call_limit"}},
		{name: "memory", args: []string{"-e", "local t = {} for i = 1, 1e8 do t[i] = string.rep('x', 64) .. i end", "--memory", "8MiB", "--timeout", "20s"}, wantCode: exitLimit, wantErrIn: []string{"memory"}},
		{name: "write denied", args: []string{"-e", `return workos.organizations_create{name = "Acme"}`, "--write", "deny"}, wantCode: exitDenied, wantErrIn: []string{"denied"}},
		{name: "deny list", args: []string{"-e", `return workos.organizations_list{}`, "--deny", "organizations_*"}, wantCode: exitDenied},
		{name: "dry run sends no write", args: []string{"-e", `workos.organizations_create{name = "Dry"} local l = workos.organizations_list{search = "Dry"} return #l.data`, "--dry-run"}, wantStdout: "0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := emulatedEnv(t)
			te.in.WriteString(tt.stdin)
			code := te.run(append([]string{"run", "--emulate"}, tt.args...)...)
			skipUntilWired(t, te.errb.String())
			if code != tt.wantCode {
				t.Fatalf("exit = %d, want %d\nstdout %q\nstderr %q", code, tt.wantCode, te.out.String(), te.errb.String())
			}
			if tt.wantStdout != "" && te.out.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", te.out.String(), tt.wantStdout)
			}
			if tt.wantCode != exitOK && !tt.envelope && te.out.Len() != 0 {
				t.Errorf("stdout = %q, want empty on failure without --json", te.out.String())
			}
			if tt.envelope {
				var env map[string]any
				if err := json.Unmarshal(te.out.Bytes(), &env); err != nil {
					t.Fatalf("stdout is not one JSON envelope: %q", te.out.String())
				}
				for _, k := range []string{"ok", "outcome", "result", "logs", "error", "effects", "calls", "stats"} {
					if _, ok := env[k]; !ok {
						t.Errorf("envelope lacks %q: %v", k, env)
					}
				}
			}
			for _, w := range tt.wantErrIn {
				if !strings.Contains(te.errb.String(), w) {
					t.Errorf("stderr %q lacks %q", te.errb.String(), w)
				}
			}
		})
	}
}

func TestCallAgainstEmulator(t *testing.T) {
	te := emulatedEnv(t)
	code := te.run("call", "organizations_list", "--limit", "1", "--emulate")
	skipUntilWired(t, te.errb.String())
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	var env struct {
		Function string          `json:"function"`
		Success  bool            `json:"success"`
		Data     json.RawMessage `json:"data"`
		Meta     map[string]any  `json:"meta"`
	}
	if err := json.Unmarshal(te.out.Bytes(), &env); err != nil || !env.Success || env.Function == "" || env.Meta["operation"] == nil {
		t.Fatalf("envelope = %q (%v)", te.out.String(), err)
	}

	te = emulatedEnv(t)
	if code := te.run("call", "organizations_create", "--name", "Acme", "--emulate", "--write", "deny"); code != exitDenied {
		t.Errorf("denied call: exit %d, want %d; %s", code, exitDenied, te.errb.String())
	}
}

// TestAPIKeyNeverPrinted runs every credentialed command against a server
// that rejects the key, and checks the key reached the server but no output.
func TestAPIKeyNeverPrinted(t *testing.T) {
	var sawKey atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+fakeKey {
			sawKey.Store(true)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-ID", "req_test_1")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"code":"unauthorized","message":"Unauthorized"}`))
	}))
	defer srv.Close()
	tests := [][]string{
		{"run", "-e", "return workos.organizations_list{limit = 1}"},
		{"run", "-e", "return workos.organizations_list{limit = 1}", "--json"},
		{"call", "organizations_list", "--limit", "1"},
		{"auth", "test"},
		{"auth", "test", "--json"},
	}
	for _, args := range tests {
		for _, via := range []string{"env", "flag", "account"} {
			t.Run(strings.Join(args, " ")+" via "+via, func(t *testing.T) {
				te := newTestEnv(t)
				te.env["WORKOS_BASE_URL"] = srv.URL
				a := args
				switch via {
				case "env":
					te.env["WORKOS_API_KEY"] = fakeKey
				case "flag":
					a = append(append([]string{}, args...), "--api-key", fakeKey)
				case "account":
					te.in.WriteString(fakeKey)
					if code := te.run("auth", "set", "--account", "ci"); code != exitOK {
						t.Fatalf("auth set: %d %s", code, te.errb.String())
					}
				}
				code := te.run(a...)
				skipUntilWired(t, te.errb.String())
				assertNoKey(t, te.out.String(), te.errb.String())
				if code != exitAuth {
					t.Errorf("exit = %d, want %d (401); stderr %q", code, exitAuth, te.errb.String())
				}
				if !sawKey.Load() {
					t.Errorf("the server never received the key")
				}
			})
		}
	}
}

// TestBinary builds the binary and runs it in a temporary directory the way
// the README does.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kosmo-lua")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(stdin string, args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "cfg"), "PATH=" + os.Getenv("PATH")}
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}

	out, errOut, code := run("", "functions", "--access", "read")
	if code != 0 || !json.Valid([]byte(out)) {
		t.Fatalf("functions: %d %q %q", code, out[:min(len(out), 200)], errOut)
	}
	if _, _, code := run("", "no-such-command"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
	if _, errOut, code := run("", "run", "-e", "return 1"); code != 4 || !strings.Contains(errOut, "--emulate") {
		t.Errorf("no credentials: exit %d, stderr %q", code, errOut)
	}

	script := filepath.Join(dir, "orgs.lua")
	if err := os.WriteFile(script, []byte(`
local names = {}
for _, org in ipairs(workos.organizations_list{limit = 3}.data) do
  names[#names + 1] = org.name
end
print("found " .. #names)
return {count = #names, names = names}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = run("", "run", "--emulate", "orgs.lua")
	skipUntilWired(t, errOut)
	if code != 0 {
		t.Fatalf("run --emulate: exit %d\n%s", code, errOut)
	}
	var res struct {
		Count int      `json:"count"`
		Names []string `json:"names"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Count == 0 || len(res.Names) != res.Count {
		t.Errorf("stdout = %q (%v)", out, err)
	}
	if !strings.Contains(errOut, "found ") || strings.Contains(out, "found ") {
		t.Errorf("logs belong on stderr: stdout %q stderr %q", out, errOut)
	}
	out, _, code = run("return #workos.organizations_list{}.data", "run", "--emulate", "--json")
	if code != 0 || !strings.Contains(out, `"outcome":"completed"`) {
		t.Errorf("run --json from stdin: %d %q", code, out)
	}
	out, _, code = run("x = 2\nx * 21\n", "repl", "--emulate")
	if code != 0 || strings.TrimSpace(out) != "42" {
		t.Errorf("repl from a pipe: %d %q", code, out)
	}

	// Every example script runs against the emulator from a copy in the temp dir.
	examples, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.lua"))
	for _, ex := range examples {
		src, err := os.ReadFile(ex)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(ex)
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := run("", "run", "--emulate", name)
		if code != 0 || !json.Valid([]byte(out)) {
			t.Errorf("kosmo-lua run --emulate %s: exit %d\nstdout %.300q\nstderr %.500s", name, code, out, errOut)
		}
	}
}

// TestREPLWithRuntime drives `kosmo-lua repl --emulate` through its input
// stream over the real runtime: globals and functions persist across inputs,
// calls work, multi-line chunks run once complete, multiple values come back as
// an array, and errors leave the state intact.
func TestREPLWithRuntime(t *testing.T) {
	te := emulatedEnv(t)
	te.in.WriteString(strings.Join([]string{
		"x = 2",
		"x * 21",
		"orgs = workos.organizations_list{limit = 2}.data",
		"#orgs",
		"n = 0",
		"for _, o in ipairs(orgs) do",
		"  n = n + 1",
		"end",
		"n",
		"error('boom')",
		"x, n, nil",
		"function f() return 1 end",
		"print('still here')",
		"f() + 41",
	}, "\n"))
	code := te.run("repl", "--emulate")
	skipUntilWired(t, te.errb.String())
	// error('boom') failed: the session went on, and the piped REPL exits 1.
	if code != exitError {
		t.Fatalf("exit %d, want %d: %s", code, exitError, te.errb.String())
	}
	want := "42\n2\n2\n[2,2,null]\n42\n"
	if te.out.String() != want {
		t.Errorf("stdout = %q, want %q", te.out.String(), want)
	}
	for _, w := range []string{"runtime_error at stdin:1: boom", "still here", "1 input failed"} {
		if !strings.Contains(te.errb.String(), w) {
			t.Errorf("stderr %q lacks %q", te.errb.String(), w)
		}
	}
}

func TestOutputOnTerminal(t *testing.T) {
	te := emulatedEnv(t)
	te.f.IOStreams.SetStdoutTTY(true)
	code := te.run("run", "--emulate", "-e", "return {a = 1}")
	skipUntilWired(t, te.errb.String())
	if code != exitOK || te.out.String() != "{\n  \"a\": 1\n}\n" {
		t.Errorf("exit %d, stdout %q; want indented JSON on a terminal", code, te.out.String())
	}
}

func TestCallPayloadFromPipedStdin(t *testing.T) {
	te := emulatedEnv(t)
	te.f.IOStreams.SetStdinPiped(true)
	te.in.WriteString(`{"limit": 1}`)
	code := te.run("call", "organizations_list", "--emulate", "--json")
	skipUntilWired(t, te.errb.String())
	var env struct {
		Success bool `json:"success"`
		Data    struct {
			Data []any `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal(te.out.Bytes(), &env); code != exitOK || err != nil || !env.Success || len(env.Data.Data) != 1 {
		t.Errorf("exit %d, stdout %.300q (%v)", code, te.out.String(), err)
	}
}
