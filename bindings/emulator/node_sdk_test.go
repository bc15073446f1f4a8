package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nodeSDKDir holds the conformance script and its package.json and lock file.
const nodeSDKDir = "testdata/node-sdk"

// TestNodeSDKConformance drives the emulator over loopback with WorkOS's official
// Node SDK (@workos-inc/node 11, run by the Node 22 that the lock file pins) and
// fails on any case the script reports. The packages are installed with npm ci
// into a cache directory keyed by the lock file, reused across runs. Without npm
// the test skips; when npm ci fails it skips too, except under CI=true, where it
// fails so that CI never passes without having run it.
func TestNodeSDKConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the Node SDK conformance test installs packages and runs Node")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not on PATH: install Node.js and npm to run the Node SDK conformance test")
	}
	dir := installNodeSDK(t, npm)

	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	srv, err := e.Start(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	cmd := exec.CommandContext(ctx, filepath.Join(dir, "node_modules", ".bin", "node"), "conformance.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "EMULATOR_URL="+srv.URL, "WORKOS_API_KEY="+DefaultAPIKey)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	var res struct {
		Operations int      `json:"operations"`
		Assertions int      `json:"assertions"`
		Cases      int      `json:"cases"`
		Failures   []string `json:"failures"`
		Skipped    []string `json:"skipped"`
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("the script printed no result line (%v; run error %v)\nstdout:\n%s\nstderr:\n%s", err, runErr, stdout.String(), stderr.String())
	}
	t.Logf("Node SDK conformance: %d cases, %d HTTP operations, %d assertions, %d failed", res.Cases, res.Operations, res.Assertions, len(res.Failures))
	for _, s := range res.Skipped {
		t.Logf("skipped: %s", s)
	}
	for _, f := range res.Failures {
		t.Errorf("%s", f)
	}
	if runErr != nil && len(res.Failures) == 0 {
		t.Errorf("the script failed without reporting a case: %v\nstderr:\n%s", runErr, stderr.String())
	}
	if res.Cases == 0 || res.Assertions == 0 {
		t.Errorf("the script ran no case")
	}
}

// installNodeSDK returns a directory holding the conformance script and its
// node_modules, installing them with npm ci on the first run for this lock file.
func installNodeSDK(t *testing.T, npm string) string {
	t.Helper()
	files := map[string][]byte{}
	for _, name := range []string{"package.json", "package-lock.json", "conformance.mjs"} {
		b, err := os.ReadFile(filepath.Join(nodeSDKDir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	sum := sha256.Sum256(append(append([]byte{}, files["package.json"]...), files["package-lock.json"]...))
	root, err := os.UserCacheDir()
	if err == nil {
		err = os.MkdirAll(filepath.Join(root, "kosmo-lua"), 0o755)
	}
	if err != nil {
		root = os.TempDir() // no usable user cache directory (no HOME, read-only)
	}
	dir := filepath.Join(root, "kosmo-lua", "node-sdk-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".bin", "node")); err != nil {
		dir = npmCI(t, npm, dir, files)
	}
	if err := os.WriteFile(filepath.Join(dir, "conformance.mjs"), files["conformance.mjs"], 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// npmCI installs the packages into a fresh directory beside dir and moves it into
// place, so an interrupted install is never mistaken for a finished one.
func npmCI(t *testing.T, npm, dir string, files map[string][]byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".tmp-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for _, name := range []string{"package.json", "package-lock.json"} {
		if err := os.WriteFile(filepath.Join(tmp, name), files[name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	out, err := cmd.CombinedOutput()
	if err != nil {
		msg := "npm ci failed (is the npm registry reachable?): " + err.Error() + "\n" + string(out)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another run may have finished the same install first: use it. A partial
		// directory left by an older layout is replaced.
		if _, statErr := os.Stat(filepath.Join(dir, "node_modules", ".bin", "node")); statErr == nil {
			return dir
		}
		if err := errors.Join(os.RemoveAll(dir), os.Rename(tmp, dir)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
