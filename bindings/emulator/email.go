package emulator

import (
	"fmt"
	"net/mail"
	"strings"
)

// validEmail reports whether s is an email address as the API accepts one (the
// spec's format: email): a bare addr-spec, no display name or angle brackets,
// with a dotted domain whose labels are letters, digits and inner hyphens.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.ContainsAny(s, " <>\"") {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if local == "" || len(s) > 254 || !strings.Contains(domain, ".") {
		return false
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// checkEmail is the 422 the API answers for a body field that is not an email address.
func checkEmail(field, s string) *apiError {
	if validEmail(s) {
		return nil
	}
	return invalid(field, "invalid", fmt.Sprintf("%s '%s' is not a valid email address.", field, s))
}
