package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// installEnv is an mcp install with a temporary home and project, and an
// installed-looking binary path.
type installEnv struct {
	opts          *MCPInstallOptions
	home, project string
	te            *testEnv
}

func newInstallEnv(t *testing.T, client, scope string) *installEnv {
	t.Helper()
	te := newTestEnv(t)
	home, project := t.TempDir(), t.TempDir()
	te.env["HOME"] = home
	o := &MCPInstallOptions{
		MCPConfigOptions: MCPConfigOptions{IO: te.f.IOStreams, Getenv: te.f.Getenv, Client: client, Name: "kosmo", Tools: "code",
			Executable: func() (string, error) { return "/usr/local/bin/kosmo-lua", nil }},
		Scope: scope, Getwd: func() (string, error) { return project, nil }, GOOS: "linux",
	}
	return &installEnv{opts: o, home: home, project: project, te: te}
}

func (ie *installEnv) install(t *testing.T) {
	t.Helper()
	if err := ie.opts.check(); err != nil {
		t.Fatal(err)
	}
	if err := mcpInstallRun(ie.opts); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
}

// TestMCPInstallPaths: each client and scope writes the file that client reads.
func TestMCPInstallPaths(t *testing.T) {
	tests := []struct{ client, scope, rel string }{
		{"claude", "", "project/.mcp.json"},
		{"claude", "user", "home/.claude.json"},
		{"cursor", "project", "project/.cursor/mcp.json"},
		{"cursor", "user", "home/.cursor/mcp.json"},
		{"vscode", "project", "project/.vscode/mcp.json"},
		{"vscode", "user", "home/.config/Code/User/mcp.json"},
		{"codex", "", "home/.codex/config.toml"},
		{"codex", "project", "project/.codex/config.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.client+" "+tt.scope, func(t *testing.T) {
			ie := newInstallEnv(t, tt.client, tt.scope)
			ie.install(t)
			dir, rest, _ := strings.Cut(tt.rel, "/")
			base := map[string]string{"home": ie.home, "project": ie.project}[dir]
			b, err := os.ReadFile(filepath.Join(base, rest))
			if err != nil {
				t.Fatalf("not written: %v", err)
			}
			if !strings.Contains(string(b), "/usr/local/bin/kosmo-lua") || !strings.Contains(string(b), "--write=deny") {
				t.Errorf("file lacks the server:\n%s", b)
			}
			if !strings.Contains(ie.te.out.String(), "+++ ") {
				t.Errorf("no diff on stdout: %q", ie.te.out.String())
			}
		})
	}
}

// TestMCPInstallMergesAndBacksUp: an existing file keeps its other servers
// and keys (in order), the old content is kept in FILE.bak, and installing
// again changes nothing.
func TestMCPInstallMergesAndBacksUp(t *testing.T) {
	ie := newInstallEnv(t, "claude", "user")
	path := filepath.Join(ie.home, ".claude.json")
	old := `{"numStartups": 3, "mcpServers": {"other": {"command": "x"}, "kosmo": {"command": "stale"}}, "projects": {}}`
	writeFile(t, path, old, 0o600)
	ie.install(t)
	b, _ := os.ReadFile(path)
	var doc struct {
		NumStartups int
		MCPServers  map[string]map[string]any `json:"mcpServers"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.NumStartups != 3 || doc.MCPServers["other"]["command"] != "x" || doc.MCPServers["kosmo"]["command"] != "/usr/local/bin/kosmo-lua" {
		t.Errorf("merged file:\n%s", b)
	}
	if i, j := strings.Index(string(b), "numStartups"), strings.Index(string(b), "projects"); i < 0 || j < i {
		t.Errorf("keys out of order:\n%s", b)
	}
	if bak, _ := os.ReadFile(path + ".bak"); string(bak) != old {
		t.Errorf("backup = %q", bak)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old 0600", fi.Mode().Perm())
	}
	if diff := ie.te.out.String(); !strings.Contains(diff, `-        "command": "stale"`) && !strings.Contains(diff, "stale") {
		t.Errorf("diff does not show the replaced server:\n%s", diff)
	}
	ie.te.out.Reset()
	ie.install(t)
	if ie.te.out.Len() != 0 || !strings.Contains(ie.te.errb.String(), "nothing changed") {
		t.Errorf("second install: stdout %q stderr %q", ie.te.out.String(), ie.te.errb.String())
	}
}

// TestMCPInstallVSCodeKeepsInputs: VS Code's inputs are merged by id.
func TestMCPInstallVSCodeKeepsInputs(t *testing.T) {
	ie := newInstallEnv(t, "vscode", "project")
	path := filepath.Join(ie.project, ".vscode", "mcp.json")
	writeFile(t, path, `{"inputs": [{"id": "gh", "type": "promptString"}, {"id": "workos-api-key", "type": "promptString"}], "servers": {"gh": {"command": "gh"}}}`, 0o644)
	ie.install(t)
	b, _ := os.ReadFile(path)
	var doc struct {
		Inputs  []map[string]any
		Servers map[string]any
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var ids []any
	for _, in := range doc.Inputs {
		ids = append(ids, in["id"])
	}
	if diff := cmp.Diff([]any{"gh", "workos-api-key"}, ids); diff != "" || len(doc.Servers) != 2 {
		t.Errorf("inputs (-want +got):\n%s\nservers %v", diff, doc.Servers)
	}
}

// TestMCPInstallCodexTOML: the kosmo table (and its sub-tables) is replaced
// in place; comments and other servers stay; the key is forwarded by name.
func TestMCPInstallCodexTOML(t *testing.T) {
	ie := newInstallEnv(t, "codex", "")
	path := filepath.Join(ie.home, ".codex", "config.toml")
	writeFile(t, path, "# mine\nmodel = \"o3\"\n\n[mcp_servers.kosmo]\ncommand = \"old\"\n[mcp_servers.kosmo.env]\nWORKOS_API_KEY = \"sk_test_literal\"\n\n[mcp_servers.other]\ncommand = \"y\"\n", 0o600)
	ie.install(t)
	b, _ := os.ReadFile(path)
	want := "# mine\nmodel = \"o3\"\n\n[mcp_servers.kosmo]\ncommand = \"/usr/local/bin/kosmo-lua\"\nargs = [\"mcp\", \"--write=deny\"]\nenv_vars = [\"WORKOS_API_KEY\"]\n\n[mcp_servers.other]\ncommand = \"y\"\n"
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("config.toml (-want +got):\n%s", diff)
	}
	writeFile(t, path, "mcp_servers.kosmo.command = \"x\"\n", 0o600)
	if err := mcpInstallRun(ie.opts); err == nil || !strings.Contains(err.Error(), "does not edit") {
		t.Errorf("dotted-key server: err = %v", err)
	}
}

// TestMCPInstallBadFile: a file that is not a JSON object is left alone.
func TestMCPInstallBadFile(t *testing.T) {
	ie := newInstallEnv(t, "cursor", "project")
	path := filepath.Join(ie.project, ".cursor", "mcp.json")
	writeFile(t, path, "[1, 2]", 0o644)
	if err := mcpInstallRun(ie.opts); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "[1, 2]" {
		t.Errorf("file changed: %q", b)
	}
}

// TestMCPRefusesGoRunBinary: a binary in the Go build cache (this test
// binary is one, as a `go run` build would be) is refused by config and
// install with the way out, and nothing is written.
func TestMCPRefusesGoRunBinary(t *testing.T) {
	exe, _ := os.Executable()
	if checkNotBuildCache(exe, os.Getenv) == nil {
		t.Skipf("the test binary %s is not in a go-build directory", exe)
	}
	for _, args := range [][]string{{"mcp", "config", "--client", "claude"}, {"mcp", "install", "--client", "cursor", "--scope", "user"}} {
		te := newTestEnv(t)
		te.env["HOME"] = t.TempDir()
		if code := te.run(args...); code != exitError {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
		if !strings.Contains(te.errb.String(), "go install") {
			t.Errorf("%v: stderr = %q", args, te.errb.String())
		}
		if _, err := os.Stat(filepath.Join(te.env["HOME"], ".cursor")); err == nil {
			t.Errorf("%v wrote a file", args)
		}
	}
	for path, want := range map[string]bool{"/tmp/go-build123/b001/exe/kosmo-lua": true, "/home/u/.cache/go-build/ab/cd-d/kosmo-lua": true, "/home/u/go/bin/kosmo-lua": false} {
		if got := checkNotBuildCache(path, func(string) string { return "" }) != nil; got != want {
			t.Errorf("checkNotBuildCache(%s) refused %t, want %t", path, got, want)
		}
	}
}
