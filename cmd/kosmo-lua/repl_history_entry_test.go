package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

func TestHistoryEntries(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"x = 1"}, []string{"x = 1"}},
		{[]string{"for i = 1, 2 do", "  y = y + i", "end"}, []string{"for i = 1, 2 do y = y + i end"}},
		{[]string{"for i = 1, 2 do -- add", "y = y + i", "end"}, []string{"for i = 1, 2 do -- add", "y = y + i", "end"}},
		{[]string{"s = [[a", "b]]"}, []string{"s = [[a", "b]]"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, historyEntries(tt.in)); diff != "" {
			t.Errorf("historyEntries(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestREPLHistoryKeepsMultiLineInputsWhole: on a terminal, a multi-line
// input is one history entry: Up recalls it whole, and the file holds it
// as one line.
func TestREPLHistoryKeepsMultiLineInputsWhole(t *testing.T) {
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptm.Close()
	defer tty.Close()
	if err := pty.Setsize(ptm, &pty.Winsize{Rows: 40, Cols: 200}); err != nil {
		t.Fatal(err)
	}
	out := &ptyOutput{}
	go func() { _, _ = io.Copy(out, ptm) }()
	ios := &IOStreams{In: tty, Out: tty, ErrOut: tty, stdinTTY: true, stdoutTTY: true, stderrTTY: true}
	hist := t.TempDir() + "/state/repl_history"
	opts := &REPLOptions{IO: ios, Catalog: catalog.Default(), HistoryPath: func() (string, error) { return hist, nil }}
	r := &repl{sess: newLuaSession(t), cat: opts.Catalog, out: tty, errOut: tty, pretty: true}
	done := make(chan error, 1)
	go func() { done <- r.loopReadline(context.Background(), opts) }()

	at := out.expect(t, 0, replPrompt)
	for _, s := range []struct{ send, want string }{
		{"y = 0\r", replPrompt},
		{"for i = 1, 3 do\r", replContPrompt},
		{"  y = y + i\r", replContPrompt},
		{"end\r", replPrompt},
		{"y\r", "6"},
		// Up twice: past "y" to the loop, recalled as one line, run again.
		{"\x1b[A\x1b[A", "for i = 1, 3 do y = y + i end"},
		{"\r", replPrompt},
		{"y\r", "12"},
	} {
		if _, err := ptm.Write([]byte(s.send)); err != nil {
			t.Fatal(err)
		}
		at = out.expect(t, at, s.want)
	}
	if _, err := ptm.Write([]byte(":quit\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("REPL did not quit")
	}
	b, _ := os.ReadFile(hist)
	if !strings.Contains(string(b), "for i = 1, 3 do y = y + i end\n") || strings.Contains(string(b), "\nend\n") {
		t.Errorf("history file:\n%s", b)
	}
}
