package api

import (
	"bytes"
	"strings"
)

// redacted stands in for a secret in errors, logs and dry-run records.
const redacted = "[REDACTED]"

// redactor removes secrets from text: the API key and a call's access token.
// A secret shorter than four bytes is not looked for (it would match too much).
type redactor struct{ key, token string }

// needed reports whether b holds a secret.
func (r redactor) needed(b []byte) bool {
	return (len(r.key) >= 4 && bytes.Contains(b, []byte(r.key))) ||
		(len(r.token) >= 4 && bytes.Contains(b, []byte(r.token)))
}

// str returns s with every secret replaced by [redacted].
func (r redactor) str(s string) string {
	if len(r.key) >= 4 {
		s = strings.ReplaceAll(s, r.key, redacted)
	}
	if len(r.token) >= 4 {
		s = strings.ReplaceAll(s, r.token, redacted)
	}
	return s
}
