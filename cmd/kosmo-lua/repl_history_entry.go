package main

import "strings"

// historyEntries are the history entries of one complete REPL input: a
// multi-line input becomes one line (its lines joined by spaces, which Lua
// reads the same), so Up recalls it whole. An input whose lines a join would
// change (a -- comment would swallow the rest, a long string or comment
// [[...]] would change) keeps its lines as separate entries.
func historyEntries(lines []string) []string {
	if len(lines) <= 1 {
		return lines
	}
	for _, l := range lines {
		if strings.Contains(l, "--") || strings.Contains(l, "[[") || strings.Contains(l, "[=") || strings.HasSuffix(l, "\\") {
			return lines
		}
	}
	parts := make([]string, 0, len(lines))
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			parts = append(parts, t)
		}
	}
	return []string{strings.Join(parts, " ")}
}
