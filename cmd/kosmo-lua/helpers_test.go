package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
)

// fakeKey is a recognisable API key that must never appear in any output.
const fakeKey = "sk_test_FAKEKEY_a1b2c3d4e5f6_SECRET"

// testEnv is a test Factory plus its buffers and environment.
type testEnv struct {
	f              *Factory
	in, out, errb  *bytes.Buffer
	env            map[string]string
	configPath     string
	emulatorCalled bool
}

// newTestEnv returns a Factory with buffer streams (not terminals), an empty
// environment, a config path in a temp dir and a stub emulator.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	ios, in, out, errb := TestIOStreams()
	te := &testEnv{in: in, out: out, errb: errb, env: map[string]string{}}
	dir := t.TempDir()
	te.configPath = filepath.Join(dir, "config", "kosmo-lua", config.FileName)
	te.f = &Factory{
		IOStreams:   ios,
		Version:     "v0.0.0-test",
		Getenv:      func(k string) string { return te.env[k] },
		ConfigPath:  func() (string, error) { return te.configPath, nil },
		HistoryPath: func() (string, error) { return filepath.Join(dir, "state", "repl_history"), nil },
		Emulator: func() (*http.Client, string, error) {
			te.emulatorCalled = true
			return &http.Client{Transport: http.DefaultTransport}, "sk_test_default", nil
		},
	}
	return te
}

// run executes the command line and returns its exit status.
func (te *testEnv) run(args ...string) exitCode {
	return mainRun(context.Background(), te.f, args)
}

// saveAccounts writes a config file.
func (te *testEnv) saveAccounts(t *testing.T, cf *config.File) {
	t.Helper()
	if err := config.Save(te.configPath, cf); err != nil {
		t.Fatal(err)
	}
}

// assertNoKey fails when fakeKey (or a long fragment of it) appears in any output.
func assertNoKey(t *testing.T, outputs ...string) {
	t.Helper()
	for _, o := range outputs {
		if strings.Contains(o, fakeKey) || strings.Contains(o, "a1b2c3d4e5f6_SECRET") {
			t.Fatalf("the API key leaked into output:\n%s", o)
		}
	}
}

// allCommands returns c and all its descendants.
func allCommands(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, s := range c.Commands() {
		out = append(out, allCommands(s)...)
	}
	return out
}
