// Package kosmolua_test checks that the README's quick start works on a fresh
// copy of the repository: the two commands it shows, run as written.
package kosmolua_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// innerEnv marks the test run that the README test starts itself, so it does not
// start another one.
const innerEnv = "KOSMO_LUA_README_INNER"

func quickstart(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- quickstart -->\\s*```sh\\n(.*?)```\\s*<!-- /quickstart -->").FindSubmatch(data)
	if m == nil {
		t.Fatal("README.md has no quickstart block")
	}
	var cmds []string
	for _, line := range strings.Split(strings.TrimSpace(string(m[1])), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			cmds = append(cmds, line)
		}
	}
	if len(cmds) != 2 || cmds[1] != "go test ./..." {
		t.Fatalf("quickstart commands = %q, want an example run and `go test ./...`", cmds)
	}
	return cmds
}

// freshCopy copies the files git tracks (and untracked ones it does not ignore)
// into a temp dir, without ../shared beside it: a fresh machine.
func freshCopy(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	dst := filepath.Join(t.TempDir(), "kosmo-lua")
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		info, err := os.Stat(f)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the work tree
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, data, info.Mode().Perm()|fs.FileMode(0o200)); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestReadmeQuickstart(t *testing.T) {
	if os.Getenv(innerEnv) != "" {
		t.Skip("inside the README's own test run")
	}
	if testing.Short() {
		t.Skip("builds and runs the whole quick start; skipped with -short")
	}
	cmds := quickstart(t)
	dir := freshCopy(t)
	runCmd := func(line string) ([]byte, []byte, error) {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), innerEnv+"=1", "WORKOS_API_KEY=", "XDG_CONFIG_HOME="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir())
		var stderr strings.Builder
		cmd.Stderr = &stderr
		stdout, err := cmd.Output()
		return stdout, []byte(stderr.String()), err
	}

	stdout, stderr, err := runCmd(cmds[0])
	if err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", cmds[0], err, stderr)
	}
	var result map[string]any
	if err := json.Unmarshal(stdout, &result); err != nil {
		t.Fatalf("%s printed no JSON result: %v\n%s", cmds[0], err, stdout)
	}
	if len(result) == 0 {
		t.Fatalf("%s printed an empty result", cmds[0])
	}

	stdout, stderr, err = runCmd(cmds[1])
	if err != nil {
		t.Fatalf("%s failed: %v\n%s\n%s", cmds[1], err, stdout, stderr)
	}
	if !strings.Contains(string(stdout), "ok  \tgithub.com/kosmo-lua/kosmo-lua/runtime") {
		t.Fatalf("%s did not test the runtime:\n%s", cmds[1], stdout)
	}
}
