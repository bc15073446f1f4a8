package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/internal/apitest"
)

// TestWireLog: a debug logger gets one line per attempt (method, path with
// query, status, latency, request id) and one per retry with its wait; the
// key and secret query values never appear.
func TestWireLog(t *testing.T) {
	srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		if n == 1 {
			w.Header().Set("X-Request-Id", "req_first")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"message":"try again"}`)
			return
		}
		w.Header().Set("X-Request-Id", "req_second")
		io.WriteString(w, `{"object":"list","data":[],"list_metadata":{}}`)
	})
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, srv.URL, func(o *Options) { o.Logger = log })
	op := apitest.MustOp(t, catalog.Default(), "organizations_list")
	if _, err := c.Do(context.Background(), op, map[string]any{"limit": 5, "domains": []any{apitest.TestKey}}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`msg=http function=organizations_list method=GET url="/organizations?`, "limit=5",
		"status=503", "request_id=req_first", "attempt=1",
		`msg="http retry" function=organizations_list next_attempt=2 of=4 wait=`, "after_status=503",
		"status=200", "request_id=req_second", "attempt=2", "latency=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, apitest.TestKey) || strings.Contains(out, "Bearer") {
		t.Errorf("the key or a header reached the log:\n%s", out)
	}
}

// TestWireLogOffBelowDebug: an info-level logger gets no per-attempt lines.
func TestWireLogOffBelowDebug(t *testing.T) {
	srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"list","data":[],"list_metadata":{}}`)
	})
	var buf bytes.Buffer
	c := newTestClient(t, srv.URL, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&buf, nil)) })
	if _, err := c.Do(context.Background(), apitest.MustOp(t, catalog.Default(), "organizations_list"), nil); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("info logger got:\n%s", buf.String())
	}
}

func TestSafeQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"limit=5&order=desc", "limit=5&order=desc"},
		{"client_secret=abc&code=xyz&limit=1", "client_secret=[REDACTED]&code=[REDACTED]&limit=1"},
		{"refresh_token=r&flag", "refresh_token=[REDACTED]&flag"},
	}
	for _, tt := range tests {
		if got := SafeQuery(tt.in); got != tt.want {
			t.Errorf("SafeQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
