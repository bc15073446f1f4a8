package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPrivateHistory: the REPL's history file is created, or narrowed, to
// mode 0600, and what it holds is kept.
func TestPrivateHistory(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "state", "kosmo-lua", "repl_history")
	old := filepath.Join(dir, "old_history")
	if err := os.WriteFile(old, []byte("return 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fresh, old} {
		if err := privateHistory(p); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %o, want 600", p, mode)
		}
	}
	if b, _ := os.ReadFile(old); string(b) != "return 1\n" {
		t.Errorf("history content changed: %q", b)
	}
}
