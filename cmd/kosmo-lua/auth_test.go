package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
)

func TestAuthSetFromStdin(t *testing.T) {
	te := newTestEnv(t)
	te.in.WriteString(fakeKey + "\n")
	if code := te.run("auth", "set", "--account", "prod", "--write", "deny", "--base-url", "http://127.0.0.1:4100"); code != exitOK {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	assertNoKey(t, te.out.String(), te.errb.String())
	var got map[string]any
	if err := json.Unmarshal(te.out.Bytes(), &got); err != nil {
		t.Fatalf("stdout not JSON: %q", te.out.String())
	}
	if got["account"] != "prod" || got["default"] != true || got["key"] != "sk_test_…CRET" {
		t.Errorf("output = %v", got)
	}
	fi, err := os.Stat(te.configPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file mode: %v %v", fi.Mode(), err)
	}
	cf, err := config.Load(te.configPath)
	if err != nil {
		t.Fatal(err)
	}
	want := &config.File{DefaultAccount: "prod", Accounts: map[string]*config.Account{
		"prod": {APIKey: fakeKey, Write: "deny", BaseURL: "http://127.0.0.1:4100"}}}
	if diff := cmp.Diff(want, cf); diff != "" {
		t.Errorf("config mismatch (-want +got):\n%s", diff)
	}
}

func TestAuthSetPrompt(t *testing.T) {
	te := newTestEnv(t)
	ios := te.f.IOStreams
	ios.SetStdinTTY(true)
	ios.SetStderrTTY(true)
	ios.SetStdoutTTY(true)
	var prompted string
	ios.SetSecretReader(func(p string) (string, error) { prompted = p; return fakeKey, nil })
	if code := te.run("auth", "set"); code != exitOK {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	if !strings.Contains(prompted, "hidden") {
		t.Errorf("prompt = %q", prompted)
	}
	assertNoKey(t, te.out.String(), te.errb.String())
	if !strings.Contains(te.out.String(), `Saved account "default"`) {
		t.Errorf("stdout = %q", te.out.String())
	}
}

func TestAuthSetRefusals(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		tty   bool
		want  exitCode
	}{
		{"empty stdin", []string{"auth", "set"}, "", false, exitUsage},
		{"key on argv is not a flag", []string{"auth", "set", "--api-key", fakeKey}, "", false, exitUsage},
		{"key as argument", []string{"auth", "set", fakeKey}, "", false, exitUsage},
		{"bad account name", []string{"auth", "set", "--account", "a b"}, fakeKey, false, exitUsage},
		{"bad write", []string{"auth", "set", "--write", "sometimes"}, fakeKey, false, exitUsage},
		{"terminal stdin without terminal stderr cannot prompt", []string{"auth", "set"}, "", true, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.in.WriteString(tt.stdin)
			te.f.IOStreams.SetStdinTTY(tt.tty)
			if code := te.run(tt.args...); code != tt.want {
				t.Errorf("exit = %d, want %d; stderr %q", code, tt.want, te.errb.String())
			}
			assertNoKey(t, te.out.String(), te.errb.String())
			if _, err := os.Stat(te.configPath); err == nil {
				t.Errorf("config file written")
			}
		})
	}
}

func TestAuthListAndRemove(t *testing.T) {
	te := newTestEnv(t)
	te.saveAccounts(t, &config.File{DefaultAccount: "prod", Accounts: map[string]*config.Account{
		"prod":    {APIKey: fakeKey, Write: "deny"},
		"staging": {APIKey: "sk_test_staging_other_key_777", BaseURL: "http://127.0.0.1:4100"},
	}})
	if code := te.run("auth", "list"); code != exitOK {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	var rows []AccountSummary
	if err := json.Unmarshal(te.out.Bytes(), &rows); err != nil {
		t.Fatalf("stdout not JSON: %q", te.out.String())
	}
	want := []AccountSummary{
		{Name: "prod", Key: "sk_test_…CRET", Write: "deny", Default: true},
		{Name: "staging", Key: "sk_test_…_777", BaseURL: "http://127.0.0.1:4100"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("auth list mismatch (-want +got):\n%s", diff)
	}
	assertNoKey(t, te.out.String(), te.errb.String())

	te.out.Reset()
	te.f.IOStreams.SetStdoutTTY(true)
	if code := te.run("auth", "list"); code != exitOK || !strings.Contains(te.out.String(), "ACCOUNT") {
		t.Fatalf("table: exit %d, %q", code, te.out.String())
	}
	assertNoKey(t, te.out.String(), te.errb.String())

	te.out.Reset()
	if code := te.run("auth", "remove", "--account", "prod"); code != exitOK {
		t.Fatalf("remove exit %d: %s", code, te.errb.String())
	}
	cf, err := config.Load(te.configPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"staging"}, cf.Names()); diff != "" || cf.DefaultAccount != "" {
		t.Errorf("after remove: names %v default %q", cf.Names(), cf.DefaultAccount)
	}
	if code := te.run("auth", "remove", "--account", "prod"); code != exitError {
		t.Errorf("removing a missing account: exit %d, want %d", code, exitError)
	}
}

func TestAuthRefusesReadableConfig(t *testing.T) {
	te := newTestEnv(t)
	te.saveAccounts(t, &config.File{Accounts: map[string]*config.Account{"default": {APIKey: fakeKey}}})
	if err := os.Chmod(te.configPath, 0o640); err != nil {
		t.Fatal(err)
	}
	if code := te.run("auth", "list"); code != exitAuth {
		t.Errorf("exit = %d, want %d", code, exitAuth)
	}
	assertNoKey(t, te.out.String(), te.errb.String())
}
