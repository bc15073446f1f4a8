// Package textcut shortens text for envelopes, summaries and tool listings.
package textcut

import "unicode/utf8"

// Cut returns s if it is at most n bytes; otherwise its first bytes, cut on a
// rune boundary so the result stays valid UTF-8, followed by suffix (which
// is not counted in n).
func Cut(s string, n int, suffix string) string {
	if len(s) <= n {
		return s
	}
	cut := max(n, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + suffix
}
