package api

import (
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestFullCatalogPrepare checks that realistic calls to real operations pass
// validation (including the real JSON Schemas with oneOf/allOf/not) and build the
// expected request line and body.
func TestFullCatalogPrepare(t *testing.T) {
	cat := catalog.Default()
	v := NewValidator()
	tests := []struct {
		op         string
		args       map[string]any
		path, body string
		query      string
	}{
		{"organizations_create", map[string]any{"name": "Acme", "domain_data": []any{map[string]any{"domain": "acme.com", "state": "verified"}}},
			"/organizations", `{"domain_data":[{"domain":"acme.com","state":"verified"}],"name":"Acme"}`, ""},
		{"organizations_list", map[string]any{"domains": []any{"a.com", "b.com"}, "limit": int64(5)},
			"/organizations", "", "limit=5&domains=a.com%2Cb.com"},
		{"userland_user_organization_memberships_update", map[string]any{"id": "om_1", "role_slug": "admin"},
			"/user_management/organization_memberships/om_1", `{"role_slug":"admin"}`, ""},
		{"userland_sessions_authenticate_0", map[string]any{"client_id": "client_1", "client_secret": "sec", "grant_type": "password", "email": "a@b.com", "password": "pw"},
			"/user_management/authenticate", `{"client_id":"client_1","client_secret":"sec","email":"a@b.com","grant_type":"password","password":"pw"}`, ""},
		{"userland_sessions_authenticate_0", map[string]any{"client_id": "client_1", "client_secret": "sec", "grant_type": "refresh_token", "refresh_token": "rt"},
			"/user_management/authenticate", `{"client_id":"client_1","client_secret":"sec","grant_type":"refresh_token","refresh_token":"rt"}`, ""},
		{"authorization_check", map[string]any{"organization_membership_id": "om_1", "permission_slug": "posts:read", "resource_id": "res_1"},
			"/authorization/organization_memberships/om_1/check", `{"permission_slug":"posts:read","resource_id":"res_1"}`, ""},
		{"authorization_role_permissions_add_permission", map[string]any{"slug": "admin", "body": map[string]any{"slug": "posts:read"}},
			"/authorization/roles/admin/permissions", `{"slug":"posts:read"}`, ""},
		{"userland_users_create_0", map[string]any{"email": "a@b.com", "password": "pw", "first_name": "A"},
			"/user_management/users", `{"email":"a@b.com","first_name":"A","password":"pw"}`, ""},
		{"applications_create", map[string]any{"name": "svc", "application_type": "m2m", "organization_id": "org_1"},
			"/connect/applications", `{"application_type":"m2m","name":"svc","organization_id":"org_1"}`, ""},
		{"sso_token", map[string]any{"client_id": "client_1", "client_secret": "sec", "code": "c", "grant_type": "authorization_code"},
			"/sso/token", `{"client_id":"client_1","client_secret":"sec","code":"c","grant_type":"authorization_code"}`,
			"client_id=client_1&client_secret=sec&code=c&grant_type=authorization_code"},
		{"organizations_find", map[string]any{"id": "org_1"}, "/organizations/org_1", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			op, err := cat.Lookup(tt.op)
			if err != nil {
				t.Fatal(err)
			}
			req, err := v.Prepare(op, tt.args)
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			if req.Path != tt.path || string(req.Body) != tt.body || req.RawQuery != tt.query {
				t.Errorf("got path %q body %s query %q; want %q %s %q", req.Path, req.Body, req.RawQuery, tt.path, tt.body, tt.query)
			}
		})
	}
}

// TestEveryBodySchemaCompiles compiles the body schema of every operation.
func TestEveryBodySchemaCompiles(t *testing.T) {
	client := newTestClient(t, "http://127.0.0.1:1", nil)
	for _, op := range catalog.Default().Operations() {
		if _, err := client.Validator().schema(op); err != nil {
			t.Errorf("%s: body schema does not compile: %v", op.Name, err)
		}
	}
}
