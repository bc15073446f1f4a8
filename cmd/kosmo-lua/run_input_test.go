package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRunScriptInputs: executable scripts with a #! line, arguments from a
// file or stdin, and binary input refused with a clear message.
func TestRunScriptInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shebang := write("tool.lua", "#!/usr/bin/env -S kosmo-lua run\nreturn args.n\n")
	errLine := write("fails.lua", "#!/usr/bin/env -S kosmo-lua run\n\nerror('on line 3')\n")
	argsFile := write("args.json", `{"n": 7}`)
	badArgs := write("bad.json", `{"n": `)
	binary := write("blob.lua", "local x = 1\x00\x01\x02")
	bytecode := write("chunk.luac", "\x1bLua\x51\x00\x01")
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantCode  exitCode
		wantOut   string
		wantErrIn []string
	}{
		{name: "a #! line is a comment", args: []string{shebang, "--args", `{"n": 1}`}, wantOut: "1\n"},
		{name: "line numbers stay", args: []string{errLine}, wantCode: exitError, wantErrIn: []string{"fails.lua:3", "on line 3"}},
		{name: "args from a file", args: []string{shebang, "--args", "@" + argsFile}, wantOut: "7\n"},
		{name: "args from stdin", args: []string{"-e", "return args.n + 1", "--args", "-"}, stdin: `{"n": 41}`, wantOut: "42\n"},
		{name: "args and script both on stdin", args: []string{"-", "--args", "-"}, stdin: "return 1", wantCode: exitUsage,
			wantErrIn: []string{"both want stdin"}},
		{name: "missing args file", args: []string{shebang, "--args", "@" + filepath.Join(dir, "nope.json")}, wantCode: exitUsage,
			wantErrIn: []string{"cannot read --args file"}},
		{name: "invalid args file", args: []string{shebang, "--args", "@" + badArgs}, wantCode: exitUsage,
			wantErrIn: []string{"--args file " + badArgs + " must be valid JSON"}},
		{name: "binary file", args: []string{binary}, wantCode: exitUsage, wantErrIn: []string{"not a Lua script (binary data)"}},
		{name: "precompiled chunk", args: []string{bytecode}, wantCode: exitUsage, wantErrIn: []string{"not a Lua script (binary data)"}},
		{name: "binary on stdin", args: []string{"-"}, stdin: "\x00\x01", wantCode: exitUsage, wantErrIn: []string{"the script on stdin is not a Lua script"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := emulatedEnv(t)
			te.in.WriteString(tt.stdin)
			code := te.run(append([]string{"run", "--emulate"}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("exit = %d, want %d\nstdout %q\nstderr %q", code, tt.wantCode, te.out.String(), te.errb.String())
			}
			if tt.wantOut != "" {
				if diff := cmp.Diff(tt.wantOut, te.out.String()); diff != "" {
					t.Errorf("stdout (-want +got):\n%s", diff)
				}
			}
			for _, s := range tt.wantErrIn {
				if !strings.Contains(te.errb.String(), s) {
					t.Errorf("stderr %q lacks %q", te.errb.String(), s)
				}
			}
		})
	}
}
