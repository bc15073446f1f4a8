package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain points the tool's own directories (the accounts file, the REPL
// history, the plan key, the journal) at a temporary directory for every
// test and benchmark, and for the binaries they start, which inherit the
// environment: the tests must not write into the user's state. HOME stays,
// so the Go build and module caches the tests' builds use are the user's.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kosmo-lua-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for k, sub := range map[string]string{"XDG_CONFIG_HOME": "config", "XDG_STATE_HOME": "state"} {
		if err := os.Setenv(k, dir+"/"+sub); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
