// Package apitest holds the fixtures the api and workos packages' tests
// share: a tiny hand-written catalog covering every parameter kind and an HTTP
// server that records what it receives.
package apitest

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestKey is the API key the fixtures' clients send; tests check it never leaks.
const TestKey = "sk_test_SECRETSECRET123"

// F64 returns a pointer to v (catalog bounds are pointers).
func F64(v float64) *float64 { return &v }

// Catalog is a tiny hand-written catalog covering every parameter kind.
func Catalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	listParams := []catalog.Param{
		{Name: "before", Key: "before", In: catalog.InQuery, Type: "string"},
		{Name: "after", Key: "after", In: catalog.InQuery, Type: "string"},
		{Name: "limit", Key: "limit", In: catalog.InQuery, Type: "integer", Minimum: F64(1), Maximum: F64(100)},
		{Name: "order", Key: "order", In: catalog.InQuery, Type: "string", Enum: []string{"normal", "desc", "asc"}},
		{Name: "domains", Key: "domains", In: catalog.InQuery, Type: "array", ItemType: "string"},
		{Name: "statuses", Key: "statuses", In: catalog.InQuery, Type: "array", ItemType: "string", Explode: true,
			Schema: json.RawMessage(`{"type":"array","items":{"type":"string","enum":["active","inactive","pending"]}}`)},
		{Name: "include_deleted", Key: "include_deleted", In: catalog.InQuery, Type: "boolean"},
	}
	ops := []*catalog.Operation{
		{Name: "organizations_find", SeedName: "workos_organizations_find", TitleAlias: "get_organization", Method: "GET", Path: "/organizations/{id}",
			Summary: "Get an Organization", Access: catalog.Read, Auth: catalog.AuthAPIKey,
			Params: []catalog.Param{{Name: "id", Key: "id", In: catalog.InPath, Type: "string", Required: true, Description: "Organization ID."}}},
		{Name: "organizations_list", SeedName: "workos_organizations_list", TitleAlias: "list_organizations", Method: "GET", Path: "/organizations",
			Summary: "List Organizations", Access: catalog.Read, Auth: catalog.AuthAPIKey, Paginated: true, Params: listParams},
		{Name: "organizations_create", SeedName: "workos_organizations_create", TitleAlias: "create_organization", Method: "POST", Path: "/organizations",
			Summary: "Create an Organization", Access: catalog.Write, Auth: catalog.AuthAPIKey,
			Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{
				"type":"object","required":["name"],
				"properties":{
					"name":{"type":"string"},
					"domains":{"type":"array","items":{"type":"string"}},
					"domain_data":{"type":"array","items":{"type":"object","required":["domain","state"],
						"properties":{"domain":{"type":"string"},"state":{"type":"string","enum":["pending","verified"]}}}},
					"metadata":{"type":["object","null"],"additionalProperties":{"type":"string"}},
					"seats":{"type":"integer"},
					"allow_profiles_outside_organization":{"type":"boolean"}}}`),
				Fields: []catalog.Field{
					{Name: "name", Type: "string", Required: true},
					{Name: "domains", Type: "array", ItemType: "string"},
					{Name: "domain_data", Type: "array"},
					{Name: "metadata", Type: "object|null"},
					{Name: "seats", Type: "integer"},
					{Name: "allow_profiles_outside_organization", Type: "boolean"},
				}}},
		{Name: "organizations_update", Method: "PUT", Path: "/organizations/{id}", Summary: "Update an Organization", Access: catalog.Write, Auth: catalog.AuthAPIKey,
			Params: []catalog.Param{{Name: "id", Key: "id", In: catalog.InPath, Type: "string", Required: true}},
			Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{"type":"object","properties":{"name":{"type":"string"}}}`),
				Fields: []catalog.Field{{Name: "name", Type: "string"}}}},
		{Name: "organizations_delete", Method: "DELETE", Path: "/organizations/{id}", Summary: "Delete an Organization", Access: catalog.Destructive, Auth: catalog.AuthAPIKey,
			Params: []catalog.Param{{Name: "id", Key: "id", In: catalog.InPath, Type: "string", Required: true}}},
		{Name: "audit_log_events_create", Method: "POST", Path: "/audit_logs/events", Summary: "Create Event", Access: catalog.Write, Auth: catalog.AuthAPIKey,
			Params: []catalog.Param{{Name: "idempotency-key", Key: "idempotency_key", In: catalog.InHeader, Type: "string"}},
			Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{"type":"object","required":["organization_id","event"],
				"properties":{"organization_id":{"type":"string"},"event":{"type":"object","required":["action"],
				"properties":{"action":{"type":"string"},"version":{"type":"integer"}}}}}`),
				Fields: []catalog.Field{{Name: "organization_id", Type: "string", Required: true}, {Name: "event", Type: "object", Required: true}}}},
		{Name: "role_permissions_add", Method: "POST", Path: "/authorization/roles/{slug}/permissions", Summary: "Add a permission to a role", Access: catalog.Write, Auth: catalog.AuthAPIKey,
			Params: []catalog.Param{{Name: "slug", Key: "slug", In: catalog.InPath, Type: "string", Required: true}},
			Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{"type":"object","required":["slug"],"properties":{"slug":{"type":"string"}}}`),
				Fields: []catalog.Field{{Name: "slug", Type: "string", Required: true}}}},
		{Name: "role_assignments_remove", Method: "DELETE", Path: "/authorization/organization_memberships/{organizationMembershipId}/role_assignments",
			Summary: "Remove a role assignment", Access: catalog.Destructive, Auth: catalog.AuthAPIKey,
			Params: []catalog.Param{{Name: "organizationMembershipId", Key: "organization_membership_id", In: catalog.InPath, Type: "string", Required: true}},
			Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{"type":"object","required":["role_slug"],"properties":{
				"role_slug":{"type":"string"},"resource_id":{"type":"string"},"resource_external_id":{"type":"string"},"resource_type_slug":{"type":"string"}}}`),
				Fields: []catalog.Field{{Name: "role_slug", Type: "string", Required: true}, {Name: "resource_id", Type: "string"},
					{Name: "resource_external_id", Type: "string"}, {Name: "resource_type_slug", Type: "string"}},
				Groups: []catalog.Group{{Name: "resource_target", Alternatives: []catalog.GroupAlternative{
					{Name: "by_external_id", Fields: []string{"resource_external_id", "resource_type_slug"}},
					{Name: "by_id", Fields: []string{"resource_id"}}}}}}},
		{Name: "authenticate", Method: "POST", Path: "/user_management/authenticate", Summary: "Authenticate", Access: catalog.Write, Auth: catalog.AuthAPIKey,
			Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{"oneOf":[
				{"type":"object","required":["client_id","grant_type","code"],"properties":{"client_id":{"type":"string"},"grant_type":{"const":"authorization_code"},"code":{"type":"string"}}},
				{"type":"object","required":["client_id","grant_type","email","password"],"properties":{"client_id":{"type":"string"},"grant_type":{"const":"password"},"email":{"type":"string"},"password":{"type":"string"}}}]}`),
				Discriminator: "grant_type",
				Variants: []catalog.Variant{
					{Name: "authorization_code", Required: []string{"client_id", "grant_type", "code"}, Fields: []string{"client_id", "code", "grant_type"}},
					{Name: "password", Required: []string{"client_id", "grant_type", "email", "password"}, Fields: []string{"client_id", "email", "grant_type", "password"}},
				},
				Fields: []catalog.Field{{Name: "client_id", Type: "string", Required: true}, {Name: "grant_type", Type: "string", Required: true},
					{Name: "code", Type: "string", Variants: []string{"authorization_code"}}, {Name: "email", Type: "string", Variants: []string{"password"}},
					{Name: "password", Type: "string", Variants: []string{"password"}}}}},
		{Name: "resources_list", Method: "GET", Path: "/authorization/resources", Summary: "List resources", Access: catalog.Read, Auth: catalog.AuthAPIKey,
			Params: []catalog.Param{{Name: "parent_resource_id", Key: "parent_resource_id", In: catalog.InQuery, Type: "string"},
				{Name: "parent_resource_external_id", Key: "parent_resource_external_id", In: catalog.InQuery, Type: "string"},
				{Name: "parent_resource_type_slug", Key: "parent_resource_type_slug", In: catalog.InQuery, Type: "string"}},
			ParamGroups: []catalog.Group{{Name: "parent_resource", Optional: true, Alternatives: []catalog.GroupAlternative{
				{Name: "by_external_id", Fields: []string{"parent_resource_type_slug", "parent_resource_external_id"}},
				{Name: "by_id", Fields: []string{"parent_resource_id"}}}}}},
		{Name: "sso_get_profile", Method: "GET", Path: "/sso/profile", Summary: "Get a User Profile", Access: catalog.Read, Auth: catalog.AuthAccessToken},
		{Name: "sso_jwks", Method: "GET", Path: "/sso/jwks/{clientId}", Summary: "Get JWKS", Access: catalog.Read, Auth: catalog.AuthNone,
			Params: []catalog.Param{{Name: "clientId", Key: "client_id", In: catalog.InPath, Type: "string", Required: true}}},
		{Name: "authorization_check", Method: "POST", Path: "/authorization/check", Summary: "Check", Access: catalog.Read, Auth: catalog.AuthAPIKey,
			Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{"type":"object"}`), Fields: []catalog.Field{{Name: "permission_slug", Type: "string"}}}},
		{Name: "sso_token", Method: "POST", Path: "/sso/token", Summary: "Get a token", Access: catalog.Write, Auth: catalog.AuthNone,
			Params: []catalog.Param{{Name: "client_id", Key: "client_id", In: catalog.InQuery, Type: "string", Required: true},
				{Name: "code", Key: "code", In: catalog.InQuery, Type: "string", Required: true}},
			Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{"type":"object","required":["client_id","code"],"properties":{"client_id":{"type":"string"},"code":{"type":"string"}}}`),
				Fields: []catalog.Field{{Name: "client_id", Type: "string", Required: true}, {Name: "code", Type: "string", Required: true}}}},
		{Name: "list_groups_a", TitleAlias: "list_groups", Method: "GET", Path: "/groups", Summary: "List groups", Access: catalog.Read, Auth: catalog.AuthAPIKey},
		{Name: "list_groups_b", TitleAlias: "list_groups", Method: "GET", Path: "/membership_groups", Summary: "List groups", Access: catalog.Read, Auth: catalog.AuthAPIKey},
	}
	c, err := catalog.New(ops)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// MustOp resolves name in c or fails the test.
func MustOp(t testing.TB, c *catalog.Catalog, name string) *catalog.Operation {
	t.Helper()
	op, err := c.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// Recorded is one request as the test server saw it.
type Recorded struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// Recorder is an httptest server that records Requests and answers with handler.
type Recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []Recorded
}

// NewRecorder starts a Recorder answering with handler (nil: a small JSON
// body); the test's cleanup closes it.
func NewRecorder(t testing.TB, handler func(w http.ResponseWriter, r *http.Request, n int)) *Recorder {
	t.Helper()
	rec := &Recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, Recorded{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(b)})
		n := len(rec.reqs)
		rec.mu.Unlock()
		if handler == nil {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "req_1")
			io.WriteString(w, `{"ok":true}`)
			return
		}
		handler(w, r, n)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// Requests returns the requests received so far.
func (r *Recorder) Requests() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Recorded(nil), r.reqs...)
}

// TextLogger logs everything to w as text.
func TextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
