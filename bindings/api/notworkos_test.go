package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestNotWorkOSAnswer: a server that answers something other than JSON (an
// HTML 404 page, text) is reported as "not a WorkOS API" naming the URL,
// never with the page; JSON errors stay ordinary API errors.
func TestNotWorkOSAnswer(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantNotOS   bool
	}{
		{"html 404", 404, "text/html; charset=utf-8", "<!DOCTYPE html><html><body><h1>Not Found</h1>" + strings.Repeat("x", 2000) + "</body></html>", true},
		{"html 200", 200, "text/html", "<html>welcome</html>", true},
		{"text 502", 502, "text/plain", "bad gateway", true},
		{"undeclared text", 404, "", "404 page not found", true},
		{"json 404", 404, "application/json", `{"message":"Not Found","code":"entity_not_found"}`, false},
		{"json 200", 200, "application/json", `{"data":[]}`, false},
		{"empty 204", 204, "", "", false},
	}
	op, err := catalog.Default().Lookup("organizations_list")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			c := newTestClient(t, srv.URL, func(o *Options) { o.MaxRetries = -1 })
			_, err := c.Do(context.Background(), op, map[string]any{"limit": 1})
			var ae *APIError
			isNotOS := errors.As(err, &ae) && ae.Code == CodeNotWorkOS
			if isNotOS != tt.wantNotOS {
				t.Fatalf("err = %v, want not-WorkOS %t", err, tt.wantNotOS)
			}
			if !tt.wantNotOS {
				return
			}
			msg := err.Error()
			if !strings.Contains(msg, srv.URL+"/organizations") || !strings.Contains(msg, "not a WorkOS API") {
				t.Errorf("message %q does not name the URL and say it is not a WorkOS API", msg)
			}
			if strings.Contains(msg, "<") || strings.Contains(msg, "limit=1") || len(msg) > 300 {
				t.Errorf("message %q repeats the page or the query, or is long", msg)
			}
		})
	}
}
