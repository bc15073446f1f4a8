package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestBaseURLThatIsNotWorkOS: a --base-url serving an HTML page gives a short
// error naming the URL, "not a WorkOS API" and the flag to fix, never the page.
func TestBaseURLThatIsNotWorkOS(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("<html><body><h1>404 Not Found</h1><p>nginx</p></body></html>"))
	}))
	defer srv.Close()
	for _, args := range [][]string{
		{"call", "organizations_list", "--base-url", srv.URL},
		{"run", "-e", "return workos.organizations_list{}", "--base-url", srv.URL},
	} {
		te := newTestEnv(t)
		te.env["WORKOS_API_KEY"] = fakeKey
		if code := te.run(args...); code != exitError {
			t.Errorf("%v: exit %d, want 1; stderr %s", args, code, te.errb.String())
		}
		stderr := te.errb.String()
		for _, want := range []string{srv.URL + "/organizations", "not a WorkOS API", "--base-url"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, stderr)
			}
		}
		if strings.Contains(stderr+te.out.String(), "nginx") {
			t.Errorf("%v: the page leaked into the output:\n%s", args, stderr)
		}
		assertNoKey(t, te.out.String(), stderr)
	}
}
