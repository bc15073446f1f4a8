package emulator

import (
	"strings"
	"testing"
)

// TestEmailValidation: users and invitations take only email addresses (the
// spec's format: email), answering 422 invalid_request_parameters otherwise.
func TestEmailValidation(t *testing.T) {
	e := newTest(t, nil)
	for _, c := range []struct {
		email string
		ok    bool
	}{
		{"new.person+tag@sub.example.com", true},
		{"O'Brien@example.co.uk", true},
		{"no-at-sign.example.com", false},
		{"two@@example.com", false},
		{"nodot@localhost", false},
		{"Name <name@example.com>", false},
		{"spa ce@example.com", false},
		{"@example.com", false},
		{"trailing@example.com.", false},
		{"dash@-example.com", false},
		{"under@exa_mple.com", false},
	} {
		for _, target := range []struct{ path, body string }{
			{"/user_management/users", `{"email":%q}`},
			{"/user_management/invitations", `{"email":%q,"organization_id":"` + acmeID + `"}`},
		} {
			body := strings.Replace(target.body, "%q", `"`+strings.ReplaceAll(c.email, `"`, `\"`)+`"`, 1)
			code, out, _ := do(t, e, "POST", target.path, body)
			switch {
			case c.ok && code != 201:
				t.Errorf("POST %s %q: %d %s, want 201", target.path, c.email, code, out)
			case !c.ok && (code != 422 || !strings.Contains(out, `"invalid_request_parameters"`) || !strings.Contains(out, `"field":"email"`)):
				t.Errorf("POST %s %q: %d %s, want 422 on field email", target.path, c.email, code, out)
			}
		}
	}
	if code, out, _ := do(t, e, "PUT", "/user_management/users/user_01HERN00000000000000000ER", `{"email":"not an email"}`); code != 422 {
		t.Errorf("update with a bad email: %d %s", code, out)
	}
}
