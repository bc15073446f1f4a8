package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

func TestDocsCommands(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		tty       bool
		wantCode  exitCode
		wantJSON  bool
		wantOut   []string
		wantNotIn []string
	}{
		{name: "functions json when piped", args: []string{"functions"}, wantJSON: true, wantOut: []string{`"name":"organizations_list"`, `"access":"read"`}},
		{name: "functions table on a terminal", args: []string{"functions", "organizations_l"}, tty: true, wantOut: []string{"NAME", "organizations_list", "read"}},
		{name: "functions --json on a terminal", args: []string{"functions", "--json", "--access", "destructive"}, tty: true, wantJSON: true, wantOut: []string{`"access": "destructive"`}, wantNotIn: []string{`"access": "read"`}},
		{name: "functions bad access", args: []string{"functions", "--access", "admin"}, wantCode: exitUsage},
		{name: "describe markdown", args: []string{"describe", "organizations_list"}, tty: true, wantOut: []string{"# workos.organizations_list", "## Signature", "## Example"}},
		{name: "describe json", args: []string{"describe", "workos_organizations_list"}, wantJSON: true, wantOut: []string{`"signature":"workos.organizations_list{`, `"example_call"`, `"method":"GET"`}},
		{name: "describe unknown", args: []string{"describe", "organisations_list"}, wantCode: exitUsage},
		{name: "describe a guide", args: []string{"describe", "pagination"}, tty: true, wantOut: []string{"# pagination", "workos.paginate("}, wantNotIn: []string{"unknown function"}},
		{name: "describe a guide json", args: []string{"describe", "errors"}, wantJSON: true, wantOut: []string{`"name":"errors"`, "| output_limit | limit_exceeded |"}},
		{name: "docs lists the guides", args: []string{"docs"}, tty: true, wantOut: []string{"overview", "pagination", "limits", "kosmo-lua docs NAME"}},
		{name: "docs lists json", args: []string{"docs"}, wantJSON: true, wantOut: []string{`{"name":"batch","title":"batch"}`}},
		{name: "docs guide", args: []string{"docs", "limits"}, tty: true, wantOut: []string{"# limits", "| 30s |", "`output_limit`"}, wantNotIn: []string{"{{"}},
		{name: "docs overview names os", args: []string{"docs", "overview"}, tty: true, wantOut: []string{"- `os`: clock, date, difftime, time", "- `coroutine`:"}},
		{name: "docs function", args: []string{"docs", "organizations_list"}, tty: true, wantOut: []string{"# workos.organizations_list"}},
		{name: "docs unknown", args: []string{"docs", "nope"}, wantCode: exitUsage},
		{name: "describe no name", args: []string{"describe"}, wantCode: exitUsage},
		{name: "search json", args: []string{"search", "list", "organizations", "--limit", "3"}, wantJSON: true, wantOut: []string{`"name":"organizations_list"`, `"score"`}},
		{name: "search table", args: []string{"search", "audit logs"}, tty: true, wantOut: []string{"NAME", "audit"}},
		{name: "search needs query", args: []string{"search"}, wantCode: exitUsage},
		{name: "search bad limit", args: []string{"search", "x", "--limit", "0"}, wantCode: exitUsage},
		{name: "types", args: []string{"types"}, wantOut: []string{"---@meta", "kosmo-lua v0.0.0-test", "function workos.organizations_list"}},
		{name: "version json", args: []string{"version"}, wantJSON: true, wantOut: []string{`{"version":"v0.0.0-test",`, `"spec_sha256":"`}},
		{name: "version tty", args: []string{"version"}, tty: true, wantOut: []string{"kosmo-lua v0.0.0-test"}},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.f.IOStreams.SetStdoutTTY(tt.tty)
			code := te.run(tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit = %d, want %d; stderr %q", code, tt.wantCode, te.errb.String())
			}
			out := te.out.String()
			if tt.wantCode != exitOK {
				if out != "" {
					t.Errorf("stdout = %q, want empty on error", out)
				}
				return
			}
			if tt.wantJSON && !json.Valid([]byte(out)) {
				t.Errorf("stdout is not JSON: %.300s", out)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q: %.500s", w, out)
				}
			}
			for _, w := range tt.wantNotIn {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q", w)
				}
			}
		})
	}
}

func TestTypesToFile(t *testing.T) {
	te := newTestEnv(t)
	path := filepath.Join(t.TempDir(), "kosmo-lua.lua")
	if code := te.run("types", "-o", path); code != exitOK {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "---@meta") {
		t.Fatalf("file: %v %.50q", err, b)
	}
	if te.out.Len() != 0 {
		t.Errorf("stdout = %q, want empty", te.out.String())
	}
}

// TestHelpHasExamples checks every command documents itself with examples.
func TestHelpHasExamples(t *testing.T) {
	te := newTestEnv(t)
	root := newCmdRoot(te.f)
	for _, c := range allCommands(root) {
		if c.Hidden || c.Name() == "help" || c.Parent() != nil && c.Parent().Name() == "completion" {
			continue
		}
		if c.Example == "" {
			t.Errorf("%s has no examples in --help", c.CommandPath())
		}
	}
}

// TestExamplesUseRealFunctions checks that every function named after "call"
// or "describe" in any --help text exists in the catalog.
func TestExamplesUseRealFunctions(t *testing.T) {
	te := newTestEnv(t)
	cat := catalog.Default()
	re := regexp.MustCompile(`kosmo-lua (?:call|describe) ([a-z][a-z0-9_]+)`)
	for _, c := range allCommands(newCmdRoot(te.f)) {
		for _, m := range re.FindAllStringSubmatch(c.Example+"\n"+c.Long, -1) {
			if m[1] == "NAME" {
				continue
			}
			if _, err := cat.Lookup(m[1]); err != nil {
				t.Errorf("%s help names %q: %v", c.CommandPath(), m[1], err)
			}
		}
	}
}
