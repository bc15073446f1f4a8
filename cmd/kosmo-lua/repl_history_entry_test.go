package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	hist := t.TempDir() + "/state/repl_history"
	p := startPTYREPL(t, newLuaSession(t), hist)
	p.run(t, []ptyStep{
		{"y = 0\r", replPrompt},
		{"for i = 1, 3 do\r", replContPrompt},
		{"  y = y + i\r", replContPrompt},
		{"end\r", replPrompt},
		{"y\r", "6"},
		// Up twice: past "y" to the loop, recalled as one line, run again.
		{"\x1b[A\x1b[A", "for i = 1, 3 do y = y + i end"},
		{"\r", replPrompt},
		{"y\r", "12"},
	})
	p.quit(t)
	b, _ := os.ReadFile(hist)
	if !strings.Contains(string(b), "for i = 1, 3 do y = y + i end\n") || strings.Contains(string(b), "\nend\n") {
		t.Errorf("history file:\n%s", b)
	}
}
