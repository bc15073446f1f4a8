package mcptools

import "testing"

// TestParseChoices: each flag parser takes its values, reads empty as its
// default, and names the setting and every value when refusing one.
func TestParseChoices(t *testing.T) {
	tests := []struct {
		in, want, err string
		parse         func(string) (string, error)
	}{
		{"", "code", "", str(ParseMode)},
		{"all", "all", "", str(ParseMode)},
		{"some", "", `mcptools: unknown tools mode "some"; use "code", "functions" or "all"`, str(ParseMode)},
		{"", "both", "", str(ParseResultFormat)},
		{"text", "text", "", str(ParseResultFormat)},
		{"xml", "", `mcptools: unknown result format "xml"; use "both", "structured" or "text"`, str(ParseResultFormat)},
		{"", "auto", "", str(ParseLinkMode)},
		{"never", "never", "", str(ParseLinkMode)},
		{"sometimes", "", `mcptools: unknown result links mode "sometimes"; use "auto", "always" or "never"`, str(ParseLinkMode)},
	}
	for _, tt := range tests {
		got, err := tt.parse(tt.in)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("parse(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// str adapts a parser of a string type to one of string.
func str[T ~string](parse func(string) (T, error)) func(string) (string, error) {
	return func(s string) (string, error) {
		v, err := parse(s)
		return string(v), err
	}
}
