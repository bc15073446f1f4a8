package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

func TestSearchRanksTheObviousFunctionFirst(t *testing.T) {
	cat := catalog.Default()
	tests := []struct{ query, want string }{
		{"list organizations", "organizations_list"},
		{"validate api key", "api_keys_validate_api_key"},
		{"send invitation", "userland_user_invites_create"},
		{"check permission", "authorization_check"},
		{"revoke session", "userland_sessions_revoke_session"},
		{"list users in an organization", "userland_users_list_0"},
		{"who can access a resource", "authorization_resources_list_organization_memberships_for_resource"},
		{"create organization", "organizations_create"},
		{"delete a user", "userland_users_delete_0"},
	}
	for _, tt := range tests {
		hits := cat.Search(tt.query, 5)
		var names []string
		for _, h := range hits {
			names = append(names, h.Op.Name)
		}
		if len(names) == 0 || !slices.Contains(names[:min(3, len(names))], tt.want) {
			t.Errorf("Search(%q) top hits = %v, want %s in the first three", tt.query, names, tt.want)
		}
	}
	if hits := cat.Search("zzzqqq", 5); len(hits) != 0 {
		t.Errorf("nonsense query found %d hits", len(hits))
	}
}

func TestReferenceAndExample(t *testing.T) {
	cat := catalog.Default()
	op, _ := cat.Lookup("authorization_organization_role_permissions_add_permission")
	ref := op.Reference()
	for _, want := range []string{"POST /authorization/organizations/{organizationId}/roles/{slug}/permissions", "under `body = { slug = ... }`", "## Example"} {
		if !strings.Contains(ref, want) {
			t.Errorf("reference lacks %q:\n%s", want, ref)
		}
	}
	if ex := op.ExampleCall(); !strings.Contains(ex, "body = { slug = ") {
		t.Errorf("example %q does not put the shadowed slug under body", ex)
	}
	auth, _ := cat.Lookup("userland_sessions_authenticate_0")
	if ex := auth.ExampleCall(); !strings.Contains(ex, `grant_type = "authorization_code"`) {
		t.Errorf("authenticate example %q lacks a grant_type", ex)
	}
	for _, op := range cat.Operations() {
		if ex := op.ExampleCall(); !strings.HasPrefix(ex, "workos."+op.Name) {
			t.Errorf("%s: example %q", op.Name, ex)
		}
	}
}

func TestGroupsCoverEveryOperation(t *testing.T) {
	cat := catalog.Default()
	n := 0
	for _, g := range cat.Groups() {
		n += len(g.Ops)
	}
	if n != len(cat.Operations()) {
		t.Fatalf("groups hold %d operations, want %d", n, len(cat.Operations()))
	}
}

func TestSuggest(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		name string
		want string // first suggestion; "" for none
	}{
		{"organisations_list", "organizations_list"},
		{"workos_organizations_lst", "organizations_list"},
		{"list_users", "userland_users_list_0"},
		{"create_organization", "organizations_create"},
		{"nope", ""},
		{"xyzzy_frobnicate", ""},
	}
	for _, tt := range tests {
		got := cat.Suggest(tt.name, 3)
		first := ""
		if len(got) > 0 {
			first = got[0]
		}
		if first != tt.want {
			t.Errorf("Suggest(%q) = %v, want %q first", tt.name, got, tt.want)
		}
	}
}
