package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixedClock returns a clock that advances by step on every reading.
func fixedClock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	now := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(step)
		return now
	}
}

func newTest(t testing.TB, o *Options) *Emulator {
	t.Helper()
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not JSON: %v: %s", err, s)
	}
	return m
}

func TestAuth(t *testing.T) {
	e := newTest(t, &Options{APIKeys: []string{"sk_test_other"}})
	tests := []struct {
		name, auth, method, path string
		want                     int
	}{
		{"no key", "", "GET", "/organizations", 401},
		{"wrong key", "Bearer sk_test_default", "GET", "/organizations", 401},
		{"configured key", "Bearer sk_test_other", "GET", "/organizations", 200},
		{"public operation needs no key", "", "GET", "/sso/jwks/client_123", 200},
		{"public redirect", "", "GET", "/user_management/authorize?client_id=c&redirect_uri=https://x.test/cb&response_type=code", 302},
		{"profile needs an access token", "Bearer sk_test_other", "GET", "/sso/profile", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.want, w.Body.String())
			}
			if w.Header().Get("X-Request-ID") == "" {
				t.Error("missing X-Request-ID")
			}
			if tt.want == 401 {
				b := decode(t, w.Body.String())
				if b["code"] != "unauthorized" || b["message"] == "" {
					t.Errorf("401 body %v", b)
				}
				if strings.Contains(w.Body.String(), "sk_test") {
					t.Error("the 401 body echoes a key")
				}
			}
		})
	}
}

func TestErrorShapes(t *testing.T) {
	e := newTest(t, nil)
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     map[string]any
	}{
		{"404 names the id", "GET", "/organizations/org_missing", "", 404,
			map[string]any{"code": "entity_not_found", "message": "Organization not found: 'org_missing'."}},
		{"422 required field", "POST", "/organizations", `{}`, 422,
			map[string]any{"code": "invalid_request_parameters", "message": "name is required.",
				"errors": []any{map[string]any{"field": "name", "code": "required", "message": "name is required."}}}},
		{"422 limit out of range", "GET", "/organizations?limit=101", "", 422,
			map[string]any{"code": "invalid_request_parameters", "message": "limit must be an integer between 1 and 100.",
				"errors": []any{map[string]any{"field": "limit", "code": "invalid", "message": "limit must be an integer between 1 and 100."}}}},
		{"409 duplicate email", "POST", "/user_management/users", `{"email":"ALICE@acme.com"}`, 409,
			map[string]any{"code": "email_not_available", "message": "A user with email 'alice@acme.com' already exists."}},
		{"oauth error on authenticate", "POST", "/user_management/authenticate",
			`{"client_id":"c","client_secret":"sk_test_default","grant_type":"password","email":"alice@acme.com","password":"nope"}`, 400,
			map[string]any{"error": "invalid_grant", "error_description": "Invalid credentials: the email or password is wrong."}},
		{"bad JSON", "POST", "/organizations", `{`, 400, nil},
		{"unknown route", "GET", "/nope", "", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := do(t, e, tt.method, tt.path, tt.body)
			if code != tt.status {
				t.Fatalf("status %d, want %d: %s", code, tt.status, body)
			}
			if tt.want == nil {
				return
			}
			if diff := cmp.Diff(tt.want, decode(t, body)); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPagination(t *testing.T) {
	e := newTest(t, &Options{Seed: &Seed{}, Clock: fixedClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Millisecond)})
	var ids []string // creation order
	for i := range 25 {
		_, body, _ := do(t, e, "POST", "/organizations", fmt.Sprintf(`{"name":"Org %02d"}`, i))
		ids = append(ids, str(decode(t, body)["id"]))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids do not sort by creation: %s then %s", ids[i-1], ids[i])
		}
	}
	list := func(q string) (names []string, before, after any) {
		code, body, _ := do(t, e, "GET", "/organizations?"+q, "")
		if code != 200 {
			t.Fatalf("%s: %d %s", q, code, body)
		}
		m := decode(t, body)
		for _, d := range m["data"].([]any) {
			names = append(names, strings.TrimPrefix(str(d.(map[string]any)["name"]), "Org "))
		}
		md := m["list_metadata"].(map[string]any)
		return names, md["before"], md["after"]
	}
	tests := []struct {
		name          string
		q             string
		want          []string
		before, after any
	}{
		{"default desc, limit 10", "", []string{"24", "23", "22", "21", "20", "19", "18", "17", "16", "15"}, nil, ids[15]},
		{"asc", "order=asc&limit=3", []string{"00", "01", "02"}, nil, ids[2]},
		{"asc after", "order=asc&limit=3&after=" + ids[2], []string{"03", "04", "05"}, ids[3], ids[5]},
		{"asc last page has after null", "order=asc&limit=10&after=" + ids[19], []string{"20", "21", "22", "23", "24"}, ids[20], nil},
		{"asc before", "order=asc&limit=2&before=" + ids[5], []string{"03", "04"}, ids[3], ids[4]},
		{"desc after", "limit=2&after=" + ids[20], []string{"19", "18"}, ids[19], ids[18]},
		{"normal: before fetches older", "order=normal&limit=2&before=" + ids[20], []string{"19", "18"}, ids[18], ids[19]},
		{"normal: after fetches newer", "order=normal&limit=2&after=" + ids[20], []string{"22", "21"}, ids[21], ids[22]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names, before, after := list(tt.q)
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("page mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]any{tt.before, tt.after}, []any{before, after}); diff != "" {
				t.Errorf("list_metadata [before after] mismatch (-want +got):\n%s", diff)
			}
		})
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "order=sideways"} {
		if code, _, _ := do(t, e, "GET", "/organizations?"+q, ""); code != 422 {
			t.Errorf("%s: status %d, want 422", q, code)
		}
	}
}

// TestIdempotency: a key replays its first response; a different body gets the
// same replay (the spec) or, with StrictIdempotency, 400 idempotency_key_reused.
func TestIdempotency(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run(fmt.Sprintf("strict=%v", strict), func(t *testing.T) {
			e := newTest(t, &Options{StrictIdempotency: strict})
			post := func(key, body string) (int, string) {
				req := httptest.NewRequest("POST", "/organizations", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
				req.Header.Set("Idempotency-Key", key)
				w := httptest.NewRecorder()
				e.ServeHTTP(w, req)
				return w.Code, w.Body.String()
			}
			c1, b1 := post("k1", `{"name":"Idem"}`)
			c2, b2 := post("k1", `{"name":"Idem"}`)
			if c1 != 201 || c2 != 201 || b1 != b2 {
				t.Fatalf("replay: %d %s / %d %s", c1, b1, c2, b2)
			}
			if n := len(objs(e, "organizations", where("name", "Idem"))); n != 1 {
				t.Errorf("%d organizations, want 1", n)
			}
			c3, b3 := post("k1", `{"name":"Other"}`)
			switch {
			case strict && (c3 != 400 || !strings.Contains(b3, "idempotency_key_reused")):
				t.Errorf("strict, same key, other body: %d %s, want 400 idempotency_key_reused", c3, b3)
			case !strict && (c3 != 201 || b3 != b1):
				t.Errorf("same key, other body: %d %s, want the first response replayed", c3, b3)
			}
			// A later request that would fail validation gets the replay too.
			c4, b4 := post("k1", `{}`)
			if (strict && c4 != 400) || (!strict && (c4 != 201 || b4 != b1)) {
				t.Errorf("same key, invalid body: %d %s", c4, b4)
			}
			if n := len(objs(e, "organizations", where("name", "Other"))); n != 0 {
				t.Errorf("a reused key created %d organizations", n)
			}
			if c, _ := post("k2", `{"name":"Idem"}`); c != 201 {
				t.Errorf("new key: %d", c)
			}
			if n := len(objs(e, "organizations", where("name", "Idem"))); n != 2 {
				t.Errorf("%d organizations after a new key, want 2", n)
			}
		})
	}
}

func TestHooksAndReset(t *testing.T) {
	e := newTest(t, nil)
	code, body, _ := do(t, e, "POST", "/_emulate/hooks", `{"method":"GET","path":"/organizations/org_*","status":500,"body":{"message":"boom"}}`)
	if code != 201 {
		t.Fatalf("add hook: %d %s", code, body)
	}
	id := str(decode(t, body)["id"])
	if code, body, _ := do(t, e, "GET", "/organizations/"+acmeID, ""); code != 500 || body != `{"message":"boom"}` {
		t.Errorf("hooked request: %d %s", code, body)
	}
	if code, _, _ := do(t, e, "GET", "/organizations", ""); code != 200 {
		t.Errorf("unmatched path: %d", code)
	}
	_, body, _ = do(t, e, "GET", "/_emulate/hooks", "")
	if !strings.Contains(body, `"hits":1`) {
		t.Errorf("hook list %s", body)
	}
	if code, _, _ := do(t, e, "DELETE", "/_emulate/hooks/"+id, ""); code != 204 {
		t.Errorf("delete hook: %d", code)
	}
	if code, _, _ := do(t, e, "GET", "/organizations/"+acmeID, ""); code != 200 {
		t.Errorf("after delete: %d", code)
	}
	if code, _, _ := do(t, e, "POST", "/_emulate/hooks", `{"path":"/x","status":42}`); code != 400 {
		t.Errorf("invalid hook accepted: %d", code)
	}
	// times: the hook answers twice, then goes away.
	do(t, e, "POST", "/_emulate/hooks", `{"path":"/organizations","status":503,"times":2}`)
	var got []int
	for range 3 {
		c, _, _ := do(t, e, "GET", "/organizations", "")
		got = append(got, c)
	}
	if diff := cmp.Diff([]int{503, 503, 200}, got); diff != "" {
		t.Errorf("times mismatch (-want +got):\n%s", diff)
	}
	// workos/emulate's form: count, "*" and "/prefix/*" paths, rateLimit.
	do(t, e, "POST", "/_emulate/hooks", `{"method":"*","path":"/user_management/*","status":500,"count":1}`)
	if c, _, _ := do(t, e, "GET", "/user_management/users/"+aliceID, ""); c != 500 {
		t.Errorf("prefix hook: %d", c)
	}
	do(t, e, "POST", "/_emulate/hooks", `{"method":"GET","path":"/connections","rateLimit":{"maxRequests":2,"windowMs":60000}}`)
	got = nil
	var retryAfter string
	for range 3 {
		c, _, h := do(t, e, "GET", "/connections", "")
		got = append(got, c)
		retryAfter = h.Get("Retry-After")
	}
	if diff := cmp.Diff([]int{200, 200, 429}, got); diff != "" || retryAfter == "" {
		t.Errorf("rateLimit hook (-want +got):\n%s (Retry-After %q)", diff, retryAfter)
	}
	// Reset drops changes and hooks.
	do(t, e, "DELETE", "/organizations/"+acmeID, "")
	do(t, e, "POST", "/_emulate/hooks", `{"path":"/organizations","status":503}`)
	if code, _, _ := do(t, e, "POST", "/_emulate/reset", ""); code != 200 {
		t.Fatal("reset failed")
	}
	if code, _, _ := do(t, e, "GET", "/organizations/"+acmeID, ""); code != 200 {
		t.Errorf("after reset: %d", code)
	}
	if code, _, _ := do(t, e, "GET", "/organizations", ""); code != 200 {
		t.Errorf("hook survived reset: %d", code)
	}
}

func TestFaults(t *testing.T) {
	t.Run("rate limit answers 429 with Retry-After", func(t *testing.T) {
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		e := newTest(t, &Options{Clock: func() time.Time { return clock }, Faults: Faults{RateLimit: 2, RateLimitWindow: 10 * time.Second}})
		var codes []int
		var retry string
		for range 3 {
			c, body, h := do(t, e, "GET", "/organizations", "")
			codes = append(codes, c)
			if c == 429 {
				retry = h.Get("Retry-After")
				if b := decode(t, body); b["code"] != "rate_limit_exceeded" {
					t.Errorf("429 body %v", b)
				}
			}
		}
		if diff := cmp.Diff([]int{200, 200, 429}, codes); diff != "" {
			t.Errorf("codes (-want +got):\n%s", diff)
		}
		if retry != "10" {
			t.Errorf("Retry-After %q, want 10", retry)
		}
		clock = clock.Add(11 * time.Second)
		if c, _, _ := do(t, e, "GET", "/organizations", ""); c != 200 {
			t.Errorf("after the window: %d", c)
		}
	})
	t.Run("failure rate", func(t *testing.T) {
		e := newTest(t, &Options{Faults: Faults{FailureRate: 1}})
		if c, _, _ := do(t, e, "GET", "/organizations", ""); c != 503 {
			t.Errorf("status %d, want 503", c)
		}
	})
	t.Run("latency", func(t *testing.T) {
		e := newTest(t, &Options{Faults: Faults{Latency: 30 * time.Millisecond}})
		start := time.Now()
		do(t, e, "GET", "/organizations", "")
		if d := time.Since(start); d < 30*time.Millisecond {
			t.Errorf("latency not applied: %v", d)
		}
	})
	clientFor := func(e *Emulator) *http.Client { return &http.Client{Transport: e.Transport()} }
	get := func(c *http.Client, base string) (int, []byte, error) {
		req, _ := http.NewRequest("GET", base+"/organizations", nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
		resp, err := c.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	for _, tt := range []struct {
		name   string
		faults Faults
		check  func(t *testing.T, code int, body []byte, err error)
	}{
		{"reset", Faults{ResetRate: 1}, func(t *testing.T, _ int, _ []byte, err error) {
			if err == nil {
				t.Error("no transport error")
			}
		}},
		{"truncate", Faults{TruncateRate: 1}, func(t *testing.T, code int, body []byte, err error) {
			if err == nil {
				t.Errorf("truncated body read without error (%d bytes)", len(body))
			}
		}},
		{"malformed", Faults{MalformedRate: 1}, func(t *testing.T, code int, body []byte, err error) {
			if err != nil || code != 200 || json.Valid(body) {
				t.Errorf("want a 200 with invalid JSON, got %d %v valid=%v", code, err, json.Valid(body))
			}
		}},
	} {
		e := newTest(t, &Options{Faults: tt.faults})
		t.Run(tt.name+" in process", func(t *testing.T) {
			code, body, err := get(clientFor(e), "http://emulator.local")
			tt.check(t, code, body, err)
		})
		t.Run(tt.name+" over loopback", func(t *testing.T) {
			srv, err := e.Start(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			code, body, err := get(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, srv.URL)
			tt.check(t, code, body, err)
		})
	}
}

func TestStateFileAndSeedFile(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(seed, []byte(`
organizations:
  - {id: org_01TEST000000000000000000000, name: Test Org, domains: [test.example]}
users:
  - {email: tess@test.example, password: "pw-123456"}
roles:
  - {slug: member, name: Member}
organization_memberships: []
errorHooks:
  - {method: DELETE, path: /organizations/*, status: 403, body: {message: "deleting is off", code: forbidden}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state.json")
	e := newTest(t, &Options{SeedFile: seed, StateFile: state})
	if code, _, _ := do(t, e, "GET", "/organizations/org_01TEST000000000000000000000", ""); code != 200 {
		t.Fatalf("seeded org: %d", code)
	}
	if code, _, _ := do(t, e, "DELETE", "/organizations/org_01TEST000000000000000000000", ""); code != 403 {
		t.Errorf("seeded error hook: %d", code)
	}
	_, body, _ := do(t, e, "POST", "/organizations", `{"name":"Persisted"}`)
	id := str(decode(t, body)["id"])
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := newTest(t, &Options{SeedFile: seed, StateFile: state})
	if code, _, _ := do(t, e2, "GET", "/organizations/"+id, ""); code != 200 {
		t.Errorf("state not resumed: %d", code)
	}
	if _, err := ParseSeed([]byte("organisations: []")); err == nil {
		t.Error("a misspelt seed key was accepted")
	}
	if _, err := New(&Options{StateFile: filepath.Join(dir, "bad.json")}); err != nil {
		t.Errorf("missing state file: %v", err)
	}
	_ = os.WriteFile(filepath.Join(dir, "corrupt.json"), []byte("{"), 0o600)
	if _, err := New(&Options{StateFile: filepath.Join(dir, "corrupt.json")}); err == nil || !strings.Contains(err.Error(), "emulator:") {
		t.Errorf("corrupt state file: %v", err)
	}
}

func TestDeterministicClock(t *testing.T) {
	mk := func() string {
		e := newTest(t, &Options{Clock: fixedClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Second)})
		_, body, _ := do(t, e, "POST", "/organizations", `{"name":"Same"}`)
		return body
	}
	if a, b := mk(), mk(); a != b {
		t.Errorf("two runs with the same clock differ:\n%s\n%s", a, b)
	}
}

func TestEventsForMutations(t *testing.T) {
	e := newTest(t, nil)
	do(t, e, "POST", "/organizations", `{"name":"Evented"}`)
	do(t, e, "POST", "/webhook_endpoints", `{"endpoint_url":"https://x.test/h","events":["user.created"]}`)
	_, body, _ := do(t, e, "GET", "/events?events=organization.created,webhook_endpoint.created", "")
	var got []string
	for _, d := range decode(t, body)["data"].([]any) {
		got = append(got, str(d.(map[string]any)["event"]))
	}
	if diff := cmp.Diff([]string{"webhook_endpoint.created", "organization.created"}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// Without a filter only WorkOS's documented event types are listed.
	_, body, _ = do(t, e, "GET", "/events", "")
	if strings.Contains(body, "webhook_endpoint.created") || !strings.Contains(body, "organization.created") {
		t.Errorf("unfiltered events: %s", body)
	}
}

func TestFeatureFlagEvaluation(t *testing.T) {
	e := newTest(t, nil)
	slugs := func(path string) []string {
		_, body, _ := do(t, e, "GET", path, "")
		var out []string
		for _, d := range decode(t, body)["data"].([]any) {
			out = append(out, str(d.(map[string]any)["slug"]))
		}
		return out
	}
	// Acme is targeted by new-dashboard; dark-mode defaults on; Carol is targeted by advanced-analytics.
	if diff := cmp.Diff([]string{"dark-mode", "new-dashboard"}, slugs("/organizations/"+acmeID+"/feature-flags")); diff != "" {
		t.Errorf("acme flags (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"dark-mode", "new-dashboard"}, slugs("/user_management/users/"+aliceID+"/feature-flags")); diff != "" {
		t.Errorf("alice flags (-want +got):\n%s", diff)
	}
	do(t, e, "PUT", "/feature-flags/new-dashboard/disable", "")
	do(t, e, "POST", "/feature-flags/beta-search/targets/"+globexID, "")
	do(t, e, "PUT", "/feature-flags/beta-search/enable", "")
	if diff := cmp.Diff([]string{"dark-mode", "beta-search"}, slugs("/organizations/"+globexID+"/feature-flags")); diff != "" {
		t.Errorf("globex flags (-want +got):\n%s", diff)
	}
	if code, _, _ := do(t, e, "POST", "/feature-flags/beta-search/targets/nope", ""); code != 400 {
		t.Errorf("bad target id: %d", code)
	}
}

func TestAPIKeysAndMFA(t *testing.T) {
	e := newTest(t, &Options{Clock: fixedClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Second)})
	_, body, _ := do(t, e, "POST", "/organizations/"+acmeID+"/api_keys", `{"name":"ci","permissions":["users:read"]}`)
	k := decode(t, body)
	value := str(k["value"])
	_, body, _ = do(t, e, "POST", "/api_keys/validations", `{"value":"`+value+`"}`)
	if v := decode(t, body)["api_key"]; v == nil || str(v.(map[string]any)["id"]) != str(k["id"]) {
		t.Errorf("validate: %s", body)
	}
	do(t, e, "DELETE", "/api_keys/"+str(k["id"]), "")
	_, body, _ = do(t, e, "POST", "/api_keys/validations", `{"value":"`+value+`"}`)
	if decode(t, body)["api_key"] != nil {
		t.Errorf("a deleted key still validates: %s", body)
	}

	_, body, _ = do(t, e, "POST", "/auth/factors/enroll", `{"type":"totp","totp_issuer":"Acme","totp_user":"alice@acme.com"}`)
	f := decode(t, body)
	secret := str(f["totp"].(map[string]any)["secret"])
	_, body, _ = do(t, e, "POST", "/auth/factors/"+str(f["id"])+"/challenge", `{}`)
	ch := str(decode(t, body)["id"])
	_, body, _ = do(t, e, "POST", "/auth/challenges/"+ch+"/verify", `{"code":"000000"}`)
	if decode(t, body)["valid"] != false {
		t.Errorf("a wrong code verified: %s", body)
	}
	e.mu.RLock()
	now := e.clock()
	e.mu.RUnlock()
	_, body, _ = do(t, e, "POST", "/auth/challenges/"+ch+"/verify", `{"code":"`+TOTPCode(secret, now)+`"}`)
	if decode(t, body)["valid"] != true {
		t.Errorf("the right TOTP code failed: %s", body)
	}
}

func TestRadarVerdicts(t *testing.T) {
	e := newTest(t, nil)
	assess := func(email, ip string) string {
		_, body, _ := do(t, e, "POST", "/radar/attempts", fmt.Sprintf(`{"action":"login","auth_method":"password","email":%q,"ip_address":%q,"user_agent":"test"}`, email, ip))
		return str(decode(t, body)["verdict"])
	}
	do(t, e, "POST", "/radar/lists/email/block", `{"entry":"mallory@evil.test"}`)
	got := []string{assess("alice@acme.com", "1.2.3.4"), assess("x+challenge@acme.com", "1.2.3.4"), assess("bob@acme.com", "10.66.1.1"), assess("mallory@evil.test", "1.2.3.4")}
	if diff := cmp.Diff([]string{"allow", "challenge", "challenge", "block"}, got); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
}

func TestConcurrentRequests(t *testing.T) {
	e := newTest(t, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if c, body, _ := do(t, e, "POST", "/user_management/users", fmt.Sprintf(`{"email":"c%d@acme.com"}`, i)); c != 201 {
				errs <- fmt.Errorf("create %d: %d %s", i, c, body)
			}
			if c, _, _ := do(t, e, "GET", "/user_management/users?limit=5", ""); c != 200 {
				errs <- errors.New("list failed")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(objs(e, "users", nil)); n != 5+32 {
		t.Errorf("%d users", n)
	}
}

func TestAuthKitCodeFlowAndLogging(t *testing.T) {
	var logs strings.Builder
	e := newTest(t, &Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	req := httptest.NewRequest("GET", "/user_management/authorize?client_id=client_1&redirect_uri=https://app.test/cb&response_type=code&state=xyz&login_hint=bob@acme.com", nil)
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	if w.Code != 302 {
		t.Fatalf("authorize: %d", w.Code)
	}
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil || loc.Host != "app.test" || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("Location %q", w.Header().Get("Location"))
	}
	body := fmt.Sprintf(`{"client_id":"client_1","client_secret":%q,"grant_type":"authorization_code","code":%q}`, DefaultAPIKey, loc.Query().Get("code"))
	code, out, _ := do(t, e, "POST", "/user_management/authenticate", body)
	if code != 200 {
		t.Fatalf("authenticate: %d %s", code, out)
	}
	m := decode(t, out)
	if diff := cmp.Diff([]any{"bob@acme.com", acmeID}, []any{m["user"].(map[string]any)["email"], m["organization_id"]}); diff != "" {
		t.Errorf("authenticate mismatch (-want +got):\n%s", diff)
	}
	// A code works once.
	if code, out, _ := do(t, e, "POST", "/user_management/authenticate", body); code != 400 || decode(t, out)["error"] != "invalid_grant" {
		t.Errorf("code reuse: %d %s", code, out)
	}
	if !strings.Contains(logs.String(), "request_id=req_") {
		t.Errorf("no request log: %s", logs.String())
	}
	if strings.Contains(logs.String(), DefaultAPIKey) {
		t.Error("the API key appears in the log")
	}
}

func TestSeedErrorsUseAPIMessages(t *testing.T) {
	_, err := New(&Options{Seed: &Seed{
		Organizations:           []Object{{"name": "A"}},
		OrganizationMemberships: []Object{{"user_id": "user_missing", "organization_id": "org_missing"}},
	}})
	if err == nil || !strings.Contains(err.Error(), "emulator: seed organization_memberships[0]: User not found: 'user_missing'.") {
		t.Errorf("error %v", err)
	}
}
