package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kosmo-lua", FileName)
	want := &File{DefaultAccount: "prod", Accounts: map[string]*Account{
		"prod": {APIKey: "sk_test_FAKEKEY1234567890", Write: "deny"},
		"emu":  {APIKey: "sk_test_default", BaseURL: "http://127.0.0.1:4100"},
	}}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %04o, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode = %04o, want 0700", di.Mode().Perm())
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	if names := got.Names(); !cmp.Equal(names, []string{"emu", "prod"}) {
		t.Errorf("Names = %v", names)
	}
	if _, name, ok := got.Account(""); !ok || name != "prod" {
		t.Errorf("default account = %q %v", name, ok)
	}
}

func TestLoadMissingIsEmpty(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "nope.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Accounts) != 0 || f.DefaultName() != DefaultAccountName {
		t.Errorf("got %+v", f)
	}
}

func TestLoadRefusesGroupReadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(`{"accounts":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	var pe *PermissionError
	if !errors.As(err, &pe) {
		t.Fatalf("Load err = %v, want *PermissionError", err)
	}
}

func TestMask(t *testing.T) {
	tests := map[string]string{
		"":                          "",
		"sk_test_FAKEKEY1234567890": "sk_test_…7890",
		"sk_live_short":             "sk_live_…",
		"whatever-secret-value-xyz": "…-xyz",
	}
	for in, want := range tests {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}
	got, err := DefaultPath(func(k string) string { return env[k] })
	if err != nil || got != "/x/cfg/kosmo-lua/config.json" {
		t.Errorf("DefaultPath = %q, %v", got, err)
	}
	if got := DefaultStateDir(func(k string) string { return map[string]string{"XDG_STATE_HOME": "/s"}[k] }, got); got != "/s/kosmo-lua" {
		t.Errorf("DefaultStateDir = %q", got)
	}
}
