package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestVerboseLogsEveryRequest: -v (and KOSMO_LUA_LOG=debug) logs each HTTP
// attempt and retry on stderr with the path's query, status and request id,
// and never the key; without either, nothing is logged.
func TestVerboseLogsEveryRequest(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if n.Add(1)%2 == 1 {
			w.Header().Set("Retry-After", "0")
			w.Header().Set("X-Request-Id", "req_busy")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"message":"busy"}`))
			return
		}
		w.Header().Set("X-Request-Id", "req_ok")
		w.Write([]byte(`{"object":"list","data":[],"list_metadata":{"before":null,"after":null}}`))
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		args    []string
		env     string
		wantLog bool
	}{
		{"run -v", []string{"run", "-v", "-e", "return workos.organizations_list{limit = 3}"}, "", true},
		{"call --verbose", []string{"call", "organizations_list", "--limit", "3", "--verbose"}, "", true},
		{"call -v", []string{"call", "-v", "organizations_list", "--limit", "3"}, "", true},
		{"env debug", []string{"call", "organizations_list", "--limit", "3"}, "debug", true},
		{"quiet", []string{"call", "organizations_list", "--limit", "3"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.env["WORKOS_API_KEY"] = fakeKey
			te.env["WORKOS_BASE_URL"] = srv.URL
			te.env[logEnv] = tt.env
			if code := te.run(tt.args...); code != exitOK {
				t.Fatalf("exit %d: %s", code, te.errb.String())
			}
			stderr := te.errb.String()
			assertNoKey(t, te.out.String(), stderr)
			if !tt.wantLog {
				if stderr != "" {
					t.Errorf("stderr without -v:\n%s", stderr)
				}
				return
			}
			for _, want := range []string{`method=GET url="/organizations?limit=3"`, "status=503", "request_id=req_busy",
				`msg="kosmo-lua: http retry"`, "wait=0s", "status=200", "request_id=req_ok", "latency=", "retries=1"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

// TestBadLogLevel: an unknown KOSMO_LUA_LOG is a usage error naming the values.
func TestBadLogLevel(t *testing.T) {
	te := emulatedEnv(t)
	te.env[logEnv] = "loud"
	if code := te.run("run", "--emulate", "-e", "return 1"); code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(te.errb.String(), "debug, info, warn or error") {
		t.Errorf("stderr = %q", te.errb.String())
	}
}
