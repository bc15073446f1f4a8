package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kosmo-lua/kosmo-lua/bindings/internal/apitest"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

func TestRequestShape(t *testing.T) {
	cat := apitest.Catalog(t)
	tests := []struct {
		name       string
		op         string
		args       map[string]any
		want       apitest.Recorded
		wantHeader map[string]string // checked individually; "" means absent
	}{
		{
			name: "path param escaped",
			op:   "organizations_find",
			args: map[string]any{"id": "org 1/x?y"},
			want: apitest.Recorded{Method: "GET", Path: "/organizations/org%201%2Fx%3Fy"},
			wantHeader: map[string]string{"Authorization": "Bearer " + apitest.TestKey, "User-Agent": DefaultUserAgent,
				"Content-Type": "", "Idempotency-Key": ""},
		},
		{
			name: "query: comma-joined array, repeated array, integer, boolean, enum",
			op:   "organizations_list",
			args: map[string]any{"domains": []any{"a.com", "b.com"}, "statuses": []any{"active", "pending"}, "limit": int64(25),
				"include_deleted": false, "order": "asc"},
			want: apitest.Recorded{Method: "GET", Path: "/organizations",
				Query: "limit=25&order=asc&domains=a.com%2Cb.com&statuses=active&statuses=pending&include_deleted=false"},
		},
		{
			name: "spec spelling of a parameter is accepted",
			op:   "role_assignments_remove",
			args: map[string]any{"organizationMembershipId": "om_1", "role_slug": "admin", "resource_id": "r_1"},
			want: apitest.Recorded{Method: "DELETE", Path: "/authorization/organization_memberships/om_1/role_assignments",
				Body: `{"resource_id":"r_1","role_slug":"admin"}`},
			wantHeader: map[string]string{"Content-Type": "application/json"},
		},
		{
			name: "header parameter becomes the idempotency key",
			op:   "audit_log_events_create",
			args: map[string]any{"idempotency_key": "idem-1", "organization_id": "org_1", "event": map[string]any{"action": "user.signed_in", "version": int64(12345678901)}},
			want: apitest.Recorded{Method: "POST", Path: "/audit_logs/events",
				Body: `{"event":{"action":"user.signed_in","version":12345678901},"organization_id":"org_1"}`},
			wantHeader: map[string]string{"Idempotency-Key": "idem-1"},
		},
		{
			name: "body fields at the top level",
			op:   "organizations_create",
			args: map[string]any{"name": "Acme", "domains": []any{"acme.com"}, "metadata": luajson.Null},
			want: apitest.Recorded{Method: "POST", Path: "/organizations", Body: `{"domains":["acme.com"],"metadata":null,"name":"Acme"}`},
		},
		{
			name: "body fields under body, mixed with top level",
			op:   "organizations_create",
			args: map[string]any{"body": map[string]any{"name": "Acme", "domains": []any{"acme.com"}}, "metadata": luajson.Null},
			want: apitest.Recorded{Method: "POST", Path: "/organizations", Body: `{"domains":["acme.com"],"metadata":null,"name":"Acme"}`},
		},
		{
			name: "shadowed body field goes under body",
			op:   "role_permissions_add",
			args: map[string]any{"slug": "admin", "body": map[string]any{"slug": "posts:read"}},
			want: apitest.Recorded{Method: "POST", Path: "/authorization/roles/admin/permissions", Body: `{"slug":"posts:read"}`},
		},
		{
			name: "PUT with an empty required body sends {}",
			op:   "organizations_update",
			args: map[string]any{"id": "org_1"},
			want: apitest.Recorded{Method: "PUT", Path: "/organizations/org_1", Body: `{}`},
		},
		{
			name:       "access token operation uses the token, not the key",
			op:         "sso_get_profile",
			args:       map[string]any{"access_token": "tok_abc"},
			want:       apitest.Recorded{Method: "GET", Path: "/sso/profile"},
			wantHeader: map[string]string{"Authorization": "Bearer tok_abc"},
		},
		{
			name:       "public operation sends no credentials",
			op:         "sso_jwks",
			args:       map[string]any{"client_id": "client_1"},
			want:       apitest.Recorded{Method: "GET", Path: "/sso/jwks/client_1"},
			wantHeader: map[string]string{"Authorization": ""},
		},
		{
			name:       "body fields shadowed by query parameters take their values (sso_token)",
			op:         "sso_token",
			args:       map[string]any{"client_id": "client_1", "code": "c 1"},
			want:       apitest.Recorded{Method: "POST", Path: "/sso/token", Query: "client_id=client_1&code=c+1", Body: `{"client_id":"client_1","code":"c 1"}`},
			wantHeader: map[string]string{"Authorization": ""},
		},
		{
			name: "numbers given for string parameters are sent as text",
			op:   "organizations_find",
			args: map[string]any{"id": int64(123)},
			want: apitest.Recorded{Method: "GET", Path: "/organizations/123"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := apitest.NewRecorder(t, nil)
			c := newTestClient(t, srv.URL, nil)
			res, err := c.Do(context.Background(), apitest.MustOp(t, cat, tt.op), tt.args)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if res.Status != 200 || res.RequestID != "req_1" {
				t.Errorf("result status %d request id %q", res.Status, res.RequestID)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(apitest.Recorded{}, "Header")); diff != "" {
				t.Errorf("request mismatch (-want +got):\n%s", diff)
			}
			for k, v := range tt.wantHeader {
				if g := got.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
		})
	}
}

func TestValidationErrors(t *testing.T) {
	cat := apitest.Catalog(t)
	tests := []struct {
		name string
		op   string
		args map[string]any
		want string
	}{
		{"unknown key with suggestion", "organizations_find", map[string]any{"idd": "x"},
			`workos: organizations_find: idd: unknown argument; did you mean "id"? valid keys: id`},
		{"missing path param", "organizations_find", map[string]any{},
			`workos: organizations_find: id: missing required argument; pass id`},
		{"empty path param", "organizations_find", map[string]any{"id": ""},
			`workos: organizations_find: id: must be a non-empty string; pass id = "..."`},
		{"missing several at once", "audit_log_events_create", map[string]any{},
			`workos: audit_log_events_create: organization_id, event: missing required arguments; pass organization_id, event`},
		{"missing shadowed body field", "role_permissions_add", map[string]any{"slug": "admin"},
			`workos: role_permissions_add: body.slug: missing required argument; pass body.slug ("slug" is also a parameter, so pass the body field as body = {slug = ...})`},
		{"wrong type of a query param", "organizations_list", map[string]any{"limit": "ten"},
			`workos: organizations_list: limit: must be an integer, got a string; pass limit = 10`},
		{"out of range", "organizations_list", map[string]any{"limit": int64(500)},
			`workos: organizations_list: limit: must be at most 100, got 500; pass a value between 1 and 100`},
		{"enum violation", "organizations_list", map[string]any{"order": "ascending"},
			`workos: organizations_list: order: invalid value "ascending"; did you mean "asc"? allowed values: normal, desc, asc`},
		{"enum violation in an array", "organizations_list", map[string]any{"statuses": []any{"active", "gone"}},
			`workos: organizations_list: statuses[2]: invalid value "gone"; allowed values: active, inactive, pending`},
		{"wrong type of a body field", "organizations_create", map[string]any{"name": true},
			`workos: organizations_create: name: must be a string, got a boolean; pass name = "..."`},
		{"null for a non-nullable field", "organizations_create", map[string]any{"name": luajson.Null},
			`workos: organizations_create: name: must not be null (type string); leave it out instead of passing json.null`},
		{"same field top level and under body", "organizations_create", map[string]any{"name": "a", "body": map[string]any{"name": "b"}},
			`workos: organizations_create: name: given both at the top level and under body; pass it in one place only`},
		{"unknown body field", "organizations_create", map[string]any{"body": map[string]any{"name": "a", "domain": "x"}},
			`workos: organizations_create: body.domain: unknown body field; did you mean "domains"? valid body fields: name, domains, domain_data, metadata, seats, allow_profiles_outside_organization`},
		{"body on an operation without one", "organizations_find", map[string]any{"id": "x", "body": map[string]any{"a": int64(1)}},
			`workos: organizations_find: body: this function takes no request body; valid keys: id`},
		{"nested schema error with JSON path", "organizations_create", map[string]any{"name": "a",
			"domain_data": []any{map[string]any{"domain": "a.com", "state": "verified"}, map[string]any{"domain": "b.com", "state": "maybe"}}},
			`workos: organizations_create: body.domain_data[2].state: value must be one of 'pending', 'verified'; fix the value to match the request schema (see workos.describe("organizations_create"))`},
		{"nested required field", "audit_log_events_create", map[string]any{"organization_id": "o", "event": map[string]any{"version": int64(1)}},
			`workos: audit_log_events_create: body.event: missing property 'action'; fix the value to match the request schema (see workos.describe("audit_log_events_create"))`},
		{"mutually exclusive body fields", "role_assignments_remove", map[string]any{"organization_membership_id": "om", "role_slug": "r", "resource_id": "a", "resource_type_slug": "t"},
			`workos: role_assignments_remove: resource_type_slug, resource_id: mutually exclusive (group "resource_target"); give exactly one of: resource_external_id + resource_type_slug | resource_id`},
		{"required group missing", "role_assignments_remove", map[string]any{"organization_membership_id": "om", "role_slug": "r"},
			`workos: role_assignments_remove: resource_target: one of the "resource_target" alternatives is required; give exactly one of: resource_external_id + resource_type_slug | resource_id`},
		{"incomplete group alternative", "role_assignments_remove", map[string]any{"organization_membership_id": "om", "role_slug": "r", "resource_external_id": "e"},
			`workos: role_assignments_remove: resource_type_slug: required together with the other fields of "by_external_id" (group "resource_target"); give all of: resource_external_id + resource_type_slug`},
		{"mutually exclusive query params", "resources_list", map[string]any{"parent_resource_id": "a", "parent_resource_external_id": "b"},
			`workos: resources_list: parent_resource_external_id, parent_resource_id: mutually exclusive (group "parent_resource"); give exactly one of: parent_resource_type_slug + parent_resource_external_id | parent_resource_id`},
		{"unknown oneOf variant", "authenticate", map[string]any{"client_id": "c", "grant_type": "passwd"},
			`workos: authenticate: grant_type: unknown value "passwd"; did you mean "password"? give one of: authorization_code, password`},
		{"missing fields of the chosen variant", "authenticate", map[string]any{"client_id": "c", "grant_type": "password"},
			`workos: authenticate: email, password: required when grant_type = "password"; pass email, password`},
		{"field of another variant", "authenticate", map[string]any{"client_id": "c", "grant_type": "authorization_code", "code": "x", "email": "e"},
			`workos: authenticate: email: not accepted when grant_type = "authorization_code"; fields of this variant: client_id, code, grant_type`},
		{"idempotency key on a GET is unknown", "organizations_find", map[string]any{"id": "x", "idempotency_key": "k"},
			`workos: organizations_find: idempotency_key: unknown argument; valid keys: id`},
		{"non-string idempotency key", "organizations_create", map[string]any{"name": "x", "idempotency_key": int64(1)},
			`workos: organizations_create: idempotency_key: must be a non-empty string, got an integer; pass idempotency_key = "<a v4 UUID>"`},
	}
	c := newTestClient(t, "http://127.0.0.1:1", nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Prepare(apitest.MustOp(t, cat, tt.op), tt.args)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Prepare error = %v (%T), want *ValidationError", err, err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAPIErrorShapes(t *testing.T) {
	cat := apitest.Catalog(t)
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   APIError
		msg    string
	}{
		{"message only", 404, nil, `{"message":"Organization not found"}`,
			APIError{Status: 404, Message: "Organization not found"},
			"workos: 404: Organization not found (request_id: req_e)"},
		{"code and message", 409, nil, `{"code":"organization_domain_taken","message":"Domain taken"}`,
			APIError{Status: 409, Code: "organization_domain_taken", Message: "Domain taken"},
			"workos: 409 organization_domain_taken: Domain taken (request_id: req_e)"},
		{"field errors", 422, nil, `{"message":"Validation failed.","errors":[{"field":"event.action","code":"required"}]}`,
			APIError{Status: 422, Message: "Validation failed.", Errors: []FieldError{{Field: "event.action", Code: "required"}}},
			"workos: 422: Validation failed. [event.action: required] (request_id: req_e)"},
		{"CORS constraint errors", 422, nil, `{"message":"Invalid","errors":[{"property":"origin","constraints":{"isUrl":"origin must be a URL"}}]}`,
			APIError{Status: 422, Message: "Invalid", Errors: []FieldError{{Property: "origin", Constraints: map[string]string{"isUrl": "origin must be a URL"}}}},
			"workos: 422: Invalid [origin: origin must be a URL] (request_id: req_e)"},
		{"OAuth error", 400, nil, `{"error":"invalid_grant","error_description":"The code has expired."}`,
			APIError{Status: 400, ErrorCode: "invalid_grant", ErrorDescription: "The code has expired."},
			"workos: 400 invalid_grant: The code has expired. (request_id: req_e)"},
		{"empty body", 401, nil, ``,
			APIError{Status: 401},
			"workos: 401: unauthorized (request_id: req_e)"},
		{"bare string", 400, nil, `"Ratelimited"`,
			APIError{Status: 400, Message: "Ratelimited"},
			"workos: 400: Ratelimited (request_id: req_e)"},
		{"extra fields kept", 403, nil, `{"code":"email_verification_required","message":"Verify","pending_authentication_token":"pat_1","email_verification_id":"ev_1"}`,
			APIError{Status: 403, Code: "email_verification_required", Message: "Verify",
				Extra: map[string]any{"pending_authentication_token": "pat_1", "email_verification_id": "ev_1"}},
			"workos: 403 email_verification_required: Verify (request_id: req_e)"},
		// A body that is not JSON is not a WorkOS answer: TestNotWorkOSAnswer.
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("X-Request-Id", "req_e")
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			c := newTestClient(t, srv.URL, nil)
			_, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "org_1"})
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error = %v (%T), want *APIError", err, err)
			}
			want := tt.want
			want.RequestID, want.Function, want.Method, want.Path, want.Raw = "req_e", "organizations_find", "GET", "/organizations/org_1", []byte(tt.body)
			want.RetryAfter = 0
			if diff := cmp.Diff(&want, ae, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("APIError mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.msg, err.Error()); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	cat := apitest.Catalog(t)
	t.Run("429 with Retry-After seconds is honoured and capped", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(429)
				io.WriteString(w, `{"code":"rate_limit_exceeded","message":"Too many requests."}`)
				return
			}
			io.WriteString(w, `{"id":"org_1"}`)
		})
		c := newTestClient(t, srv.URL, func(o *Options) { o.MaxRetryAfter = 60 * time.Millisecond })
		start := time.Now()
		res, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "org_1"})
		if err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el < 60*time.Millisecond || el > 2*time.Second {
			t.Errorf("elapsed %v, want about the 60ms cap", el)
		}
		if res.Retries != 1 || len(srv.Requests()) != 2 {
			t.Errorf("retries %d, requests %d; want 1 and 2", res.Retries, len(srv.Requests()))
		}
	})
	t.Run("Retry-After as an HTTP date", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", time.Now().Add(10*time.Second).UTC().Format(http.TimeFormat))
				w.WriteHeader(503)
				return
			}
			io.WriteString(w, `{}`)
		})
		c := newTestClient(t, srv.URL, func(o *Options) { o.MaxRetryAfter = 40 * time.Millisecond })
		start := time.Now()
		if _, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"}); err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el < 40*time.Millisecond {
			t.Errorf("elapsed %v, want at least the 40ms cap", el)
		}
	})
	t.Run("gives up after MaxRetries with the last APIError", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.WriteHeader(500)
			io.WriteString(w, `{"message":"boom"}`)
		})
		c := newTestClient(t, srv.URL, nil)
		_, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_delete"), map[string]any{"id": "o"})
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 500 {
			t.Fatalf("error = %v, want a 500 APIError", err)
		}
		if n := len(srv.Requests()); n != 4 || ae.Retries != 3 {
			t.Errorf("requests = %d, retries = %d; want 4 (1 + 3 retries)", n, ae.Retries)
		}
	})
	t.Run("no retry on 4xx other than 408 and 429", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(400) })
		c := newTestClient(t, srv.URL, nil)
		c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"})
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("requests = %d, want 1", n)
		}
	})
	t.Run("408 is retried", func(t *testing.T) {
		srv := apitest.NewRecorder(t, failFirst(1, 408, `{}`))
		c := newTestClient(t, srv.URL, nil)
		res, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"})
		if err != nil || res.Retries != 1 {
			t.Fatalf("res %+v err %v; want one retry", res, err)
		}
	})
	t.Run("POST without an idempotency key is not retried", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(503) })
		c := newTestClient(t, srv.URL, func(o *Options) { o.NoAutoIdempotencyKey = true })
		_, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_create"), map[string]any{"name": "a"})
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("error = %v", err)
		}
		reqs := srv.Requests()
		if len(reqs) != 1 || reqs[0].Header.Get("Idempotency-Key") != "" {
			t.Errorf("requests = %d (key %q), want 1 without a key", len(reqs), reqs[0].Header.Get("Idempotency-Key"))
		}
	})
	t.Run("POST reuses its generated key on every retry", func(t *testing.T) {
		srv := apitest.NewRecorder(t, failFirst(2, 502, `{"id":"org_1"}`))
		c := newTestClient(t, srv.URL, nil)
		res, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_create"), map[string]any{"name": "a"})
		if err != nil {
			t.Fatal(err)
		}
		reqs := srv.Requests()
		if len(reqs) != 3 || res.Retries != 2 {
			t.Fatalf("requests %d retries %d, want 3 and 2", len(reqs), res.Retries)
		}
		key := reqs[0].Header.Get("Idempotency-Key")
		if len(key) != 36 || key != res.IdempotencyKey {
			t.Errorf("key %q, result key %q: want a UUID reported in the result", key, res.IdempotencyKey)
		}
		for i, r := range reqs {
			if r.Header.Get("Idempotency-Key") != key || r.Body != `{"name":"a"}` {
				t.Errorf("attempt %d: key %q body %q", i+1, r.Header.Get("Idempotency-Key"), r.Body)
			}
		}
		// A second logical POST gets a new key.
		res2, _ := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_create"), map[string]any{"name": "a"})
		if res2 == nil || res2.IdempotencyKey == key {
			t.Errorf("second call reused the key %q", key)
		}
	})
	t.Run("caller key is used and reused", func(t *testing.T) {
		srv := apitest.NewRecorder(t, failFirst(1, 500, `{}`))
		c := newTestClient(t, srv.URL, func(o *Options) { o.NoAutoIdempotencyKey = true })
		_, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_create"), map[string]any{"name": "a", "idempotency_key": "mine"})
		if err != nil {
			t.Fatal(err)
		}
		reqs := srv.Requests()
		if len(reqs) != 2 || reqs[0].Header.Get("Idempotency-Key") != "mine" || reqs[1].Header.Get("Idempotency-Key") != "mine" {
			t.Errorf("requests %d keys %q", len(reqs), reqs[0].Header.Get("Idempotency-Key"))
		}
	})
	t.Run("network errors are retried then reported as NetworkError", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var accepted atomic.Int32
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				accepted.Add(1)
				conn.Close() // hang up without answering
			}
		}()
		defer ln.Close()
		c := newTestClient(t, "http://"+ln.Addr().String(), nil)
		_, err = c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"})
		var ne *NetworkError
		if !errors.As(err, &ne) {
			t.Fatalf("error = %v (%T), want *NetworkError", err, err)
		}
		var ae *APIError
		if errors.As(err, &ae) {
			t.Error("a network error must not be an APIError")
		}
		if ne.Attempts != 4 || accepted.Load() != 4 {
			t.Errorf("attempts %d, connections %d; want 4", ne.Attempts, accepted.Load())
		}
		if strings.Contains(err.Error(), apitest.TestKey) {
			t.Error("key leaked into the network error")
		}
	})
	t.Run("context canceled during the backoff sleep", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(429)
		})
		c := newTestClient(t, srv.URL, func(o *Options) { o.MaxRetryAfter = time.Minute })
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Do(ctx, apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v, want context.DeadlineExceeded", err)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("took %v; the sleep ignored the context", el)
		}
	})
}

// failFirst is a recorder handler that answers the first failures requests
// with an empty status response, then every later one with 200 and body.
func failFirst(failures, status int, body string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, n int) {
		if n <= failures {
			w.WriteHeader(status)
			return
		}
		io.WriteString(w, body)
	}
}

func TestTimeoutAndSizeLimit(t *testing.T) {
	cat := apitest.Catalog(t)
	t.Run("per-request timeout", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		})
		c := newTestClient(t, srv.URL, func(o *Options) { o.Timeout = 30 * time.Millisecond; o.MaxRetries = -1 })
		_, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"})
		var ne *NetworkError
		if !errors.As(err, &ne) || ne.Attempts != 1 {
			t.Fatalf("error = %v, want a NetworkError after 1 attempt", err)
		}
	})
	t.Run("response size cap", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			io.WriteString(w, `{"data":"`+strings.Repeat("x", 2000)+`"}`)
		})
		c := newTestClient(t, srv.URL, func(o *Options) { o.MaxResponseBytes = 1000 })
		_, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"})
		var te *ResponseTooLargeError
		if !errors.As(err, &te) {
			t.Fatalf("error = %v, want *ResponseTooLargeError", err)
		}
		want := "workos: organizations_find (GET /organizations/o): response body exceeds 1000 bytes; ask for less (a smaller limit, a filter) or raise Options.MaxResponseBytes"
		if diff := cmp.Diff(want, err.Error()); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("redirects are returned, not followed", func(t *testing.T) {
		srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, "https://example.com/login", http.StatusFound)
		})
		c := newTestClient(t, srv.URL, nil)
		res, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"})
		if err != nil || res.Status != 302 || res.Header.Get("Location") != "https://example.com/login" {
			t.Fatalf("res %+v err %v", res, err)
		}
	})
}

func TestDryRunAndRedaction(t *testing.T) {
	cat := apitest.Catalog(t)
	srv := apitest.NewRecorder(t, nil)
	c := newTestClient(t, srv.URL, func(o *Options) { o.DryRun = true })
	// A write is apitest.Recorded, not sent.
	res, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_create"), map[string]any{"name": "Acme " + apitest.TestKey, "idempotency_key": "k1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.DryRun == nil || len(srv.Requests()) != 0 {
		t.Fatalf("dry run = %+v, requests %d; want a record and nothing sent", res.DryRun, len(srv.Requests()))
	}
	want := &DryRunRecord{Method: "POST", URL: srv.URL + "/organizations",
		Headers: map[string]string{"Authorization": "Bearer [REDACTED]", "Content-Type": "application/json", "Accept": "application/json",
			"User-Agent": DefaultUserAgent, "Idempotency-Key": "k1"},
		Body: map[string]any{"name": "Acme [REDACTED]"}}
	if diff := cmp.Diff(want, res.DryRun); diff != "" {
		t.Errorf("record mismatch (-want +got):\n%s", diff)
	}
	b, _ := json.Marshal(res)
	if strings.Contains(string(b), apitest.TestKey) || strings.Contains(fmt.Sprintf("%+v", res.DryRun), apitest.TestKey) {
		t.Error("key leaked into the dry-run record")
	}
	// A destructive call is apitest.Recorded too; reads (including read-only POSTs) are sent.
	if res, _ := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_delete"), map[string]any{"id": "o"}); res == nil || res.DryRun == nil {
		t.Error("DELETE was not apitest.Recorded")
	}
	if res, _ := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"}); res == nil || res.DryRun != nil {
		t.Error("GET was not sent")
	}
	if res, _ := c.Do(context.Background(), apitest.MustOp(t, cat, "authorization_check"), map[string]any{"permission_slug": "p"}); res == nil || res.DryRun != nil {
		t.Error("read-only POST was not sent")
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("sent %d requests, want 2", n)
	}
	if o := c.Options(); o.APIKey == apitest.TestKey {
		t.Error("Options() exposes the key")
	}
	opts := Options{APIKey: apitest.TestKey}
	for _, s := range []string{fmt.Sprintf("%v %+v %#v", c, c, c), fmt.Sprintf("%v %+v %#v", opts, opts, opts), fmt.Sprintf("%+v", &opts)} {
		if strings.Contains(s, apitest.TestKey) {
			t.Errorf("printing leaks the key: %s", s)
		}
	}
}

func TestKeyNeverInErrors(t *testing.T) {
	cat := apitest.Catalog(t)
	// A server that echoes the Authorization header in its error body.
	srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"message":"bad key %s","code":"%s"}`, r.Header.Get("Authorization"), strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	})
	var logs strings.Builder
	c := newTestClient(t, srv.URL, func(o *Options) { o.Logger = apitest.TextLogger(&logs) })
	_, err := c.Do(context.Background(), apitest.MustOp(t, cat, "organizations_find"), map[string]any{"id": "o"})
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v", err)
	}
	for name, s := range map[string]string{"Error()": err.Error(), "Raw": string(ae.Raw), "Message": ae.Message, "Code": ae.Code,
		"%+v": fmt.Sprintf("%+v", ae), "logs": logs.String()} {
		if strings.Contains(s, apitest.TestKey) {
			t.Errorf("%s contains the API key: %s", name, s)
		}
	}
	if !strings.Contains(ae.Message, "[REDACTED]") {
		t.Errorf("message %q: want the key replaced by [REDACTED]", ae.Message)
	}
}

func TestNewClientRejectsBadBaseURL(t *testing.T) {
	_, err := NewClient(&Options{BaseURL: "api.workos.com"})
	if err == nil || !strings.Contains(err.Error(), "invalid base URL") {
		t.Errorf("error = %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", -1}, {"abc", -1}, {"2", 2 * time.Second}, {"0", 0}, {"-3", 0},
		{now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{now.Add(-5 * time.Second).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestConcurrentUse shares one client (and its schema cache) between goroutines;
// run with -race.
func TestConcurrentUse(t *testing.T) {
	cat := apitest.Catalog(t)
	srv := apitest.NewRecorder(t, nil)
	c := newTestClient(t, srv.URL, nil)
	op := apitest.MustOp(t, cat, "organizations_create")
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func() {
			_, err := c.Do(context.Background(), op, map[string]any{"name": "a", "seats": int64(i)})
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if n := len(srv.Requests()); n != 8 {
		t.Errorf("requests = %d, want 8", n)
	}
}
