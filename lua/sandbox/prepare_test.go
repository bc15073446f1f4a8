package sandbox

import (
	"context"
	"testing"
)

// activeRuns is how many runs gov counts.
func activeRuns(gov *Governor) int {
	gov.mu.Lock()
	defer gov.mu.Unlock()
	return len(gov.runs)
}

// TestPrepareThenStart: a prepared sandbox runs nothing until Start, is not
// counted by its governor before then, and can be closed either way.
func TestPrepareThenStart(t *testing.T) {
	gov := NewGovernor(nil)
	sb, err := Prepare(&Options{Governor: gov})
	if err != nil {
		t.Fatal(err)
	}
	if n := activeRuns(gov); n != 0 {
		t.Errorf("a prepared sandbox counts as %d active runs, want 0", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sb.Start(ctx)
	if n := activeRuns(gov); n != 1 {
		t.Errorf("a started sandbox counts as %d active runs, want 1", n)
	}
	if err := sb.DoString(`return ("ok"):upper()`); err != nil {
		t.Fatal(err)
	}
	if got := sb.L().Get(-1).String(); got != "OK" {
		t.Errorf("result %q", got)
	}
	cancel()
	if err := sb.DoString(`while true do end`); err == nil {
		t.Error("a run whose context ended kept going")
	}
	sb.Close()
	if n := activeRuns(gov); n != 0 {
		t.Errorf("after Close: %d active runs", n)
	}

	unused, err := Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	unused.Close() // never started
}
