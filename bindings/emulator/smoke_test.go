package emulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func do(t testing.TB, e *Emulator, method, path, body string) (int, string, http.Header) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	return w.Code, w.Body.String(), w.Header()
}

func TestSmoke(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ m, p, b string }{
		{"GET", "/organizations", ""},
		{"GET", "/organizations/org_01HACME00000000000000000AC", ""},
		{"GET", "/user_management/organization_memberships?organization_id=org_01HACME00000000000000000AC", ""},
		{"POST", "/organizations", `{"name":"Foo","domains":["foo.com"]}`},
		{"POST", "/organizations", `{"name":"Foo","domains":["foo.com"]}`},
		{"GET", "/organizations/org_nope", ""},
		{"GET", "/events", ""},
		{"GET", "/vault/v1/kv", ""},
	} {
		code, body, h := do(t, e, c.m, c.p, c.b)
		t.Logf("%s %s -> %d %s %s", c.m, c.p, code, h.Get("X-Request-ID"), body[:min(len(body), 400)])
	}
}
