package journal_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/journal"
)

func TestRecordAndList(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", journal.FileName)
	l := &journal.Lazy{Path: path}
	defer l.Close()
	ctx := context.Background()
	t0 := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	entries := []runtime.JournalEntry{
		{Time: t0, Kind: "run", Account: "default", Script: "a.lua", ScriptDigest: "sha256:aa", Outcome: runtime.OutcomeCompleted,
			Writes: []runtime.JournalWrite{{Function: "organizations_create", Access: "write", Account: "default", RequestID: "req_1", Status: 201, Outcome: runtime.WriteSent, ApprovedBy: "terminal"}}},
		{Time: t0.Add(time.Hour), Kind: "apply", Account: "default", Script: "b.lua", ScriptDigest: "sha256:bb", PlanDigest: "sha256:pp", Outcome: runtime.OutcomeDenied,
			Writes: []runtime.JournalWrite{{Function: "organizations_delete_organization", Access: "destructive", Account: "default", Outcome: runtime.WriteRefused, Error: "off plan"}}},
	}
	for _, e := range entries {
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %04o, want 0600", fi.Mode().Perm())
	}
	db, err := journal.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Entries(ctx, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(entries[1:], got); diff != "" {
		t.Errorf("entries since t0+1m (-want +got):\n%s", diff)
	}
	all, _ := db.Entries(ctx, time.Time{})
	if len(all) != 2 {
		t.Errorf("all entries: %d, want 2", len(all))
	}
}

func TestNotAJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	if err := os.WriteFile(path, []byte("not sqlite at all, just text that is long enough to be a header....................................."), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := journal.Open(path); err == nil {
		t.Fatal("Open of a text file succeeded")
	}
}
