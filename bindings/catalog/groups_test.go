package catalog_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestGroupOverridesMatchTheirOperations checks that every prose rule names a
// real operation and only fields that operation has, so a specification update
// that renames one fails here instead of silently checking nothing.
func TestGroupOverridesMatchTheirOperations(t *testing.T) {
	cat := catalog.Default()
	fieldsOf := func(g catalog.Group) []string {
		var out []string
		for _, a := range g.Alternatives {
			out = append(out, a.Fields...)
		}
		if g.When != nil {
			out = append(out, g.When.Field)
		}
		return out
	}
	for name, groups := range catalog.ParamGroupOverrides {
		op, err := cat.Lookup(name)
		if err != nil {
			t.Errorf("ParamGroupOverrides: %v", err)
			continue
		}
		for _, g := range groups {
			for _, f := range fieldsOf(g) {
				if _, ok := op.Param(f); !ok {
					t.Errorf("ParamGroupOverrides[%q] group %q: no parameter %q", name, g.Name, f)
				}
			}
		}
	}
	for name, groups := range catalog.BodyGroupOverrides {
		op, err := cat.Lookup(name)
		if err != nil || op.Body == nil {
			t.Errorf("BodyGroupOverrides[%q]: no operation with a body (%v)", name, err)
			continue
		}
		for _, g := range groups {
			for _, f := range fieldsOf(g) {
				if _, ok := op.Body.Field(f); !ok {
					t.Errorf("BodyGroupOverrides[%q] group %q: no body field %q", name, g.Name, f)
				}
			}
		}
	}
}

// TestPagesShowRules checks that each kind of rule reads on the function page
// and that union types do not break the Markdown tables.
func TestPagesShowRules(t *testing.T) {
	cat := catalog.Default()
	tests := []struct{ op, want string }{
		{"userland_user_organization_memberships_list", "Required (member_or_organization): at least one of (user_id) or (organization_id); several may be combined."},
		{"authentication_factors_create", `Required (sms, when type = "sms"): (phone_number).`},
		{"applications_create", "Required (third_party, when is_first_party = false): (organization_id)."},
		{"widgets_public_issue_widget_session_token", "Required (scoped, when scopes is given): (organization_id)."},
		{"provider_configure", "Given together (own_credentials): all of (client_id + client_secret) or none."},
		{"data_integrations_management_update_data_integration", "Mutually exclusive (secret): at most one of (api_key) or (credentials)."},
		{"authorization_check", "Mutually exclusive (resource_target): exactly one of (resource_external_id + resource_type_slug) or (resource_id)."},
		{"applications_create", `| description | string\|null | no |`},
	}
	for _, tt := range tests {
		op, err := cat.Lookup(tt.op)
		if err != nil {
			t.Fatal(err)
		}
		if ref := op.Reference(); !strings.Contains(ref, tt.want) {
			t.Errorf("%s page lacks %q:\n%s", tt.op, tt.want, ref)
		}
	}
	// A bare pipe between type names ends the cell early.
	bare := regexp.MustCompile(`[a-z>]\|(null|string|integer|number|boolean|array|object)\b`)
	for _, op := range cat.Operations() {
		for _, line := range strings.Split(op.Reference(), "\n") {
			if strings.HasPrefix(line, "| ") && bare.MatchString(line) {
				t.Errorf("%s: unescaped union type in table row %q", op.Name, line)
			}
		}
	}
}

// TestExamplesUseTheSeed checks that examples name default-seed objects instead
// of the specification's placeholder ids, and that setups come first.
func TestExamplesUseTheSeed(t *testing.T) {
	cat := catalog.Default()
	tests := []struct{ op, want string }{
		{"organizations_find", `workos.organizations_find{ id = "org_01HACME00000000000000000AC" }`},
		{"organizations_get_by_external_id", `external_id = "acme"`},
		{"userland_user_organization_memberships_list", `workos.userland_user_organization_memberships_list{ organization_id = "org_01HACME00000000000000000AC" }`},
		{"userland_user_invites_get", "local invite = workos.userland_user_invites_create{"},
		{"userland_user_invites_get", "workos.userland_user_invites_get{ id = invite.id }"},
		// Conditional rules add their fields only when the example meets the condition.
		{"authentication_factors_create", `workos.authentication_factors_create{ type = "totp", totp_issuer = "Foo Corp", totp_user = "alan.turing@example.com" }`},
		{"applications_create", `workos.applications_create{ application_type = "oauth", name = "My Application", is_first_party = true }`},
	}
	for _, tt := range tests {
		op, err := cat.Lookup(tt.op)
		if err != nil {
			t.Fatal(err)
		}
		if ex := op.Example(); !strings.Contains(ex, tt.want) {
			t.Errorf("%s example lacks %q:\n%s", tt.op, tt.want, ex)
		}
	}
	for name := range catalog.ExampleSetups() {
		if _, err := cat.Lookup(name); err != nil {
			t.Errorf("ExampleSetups: %v", err)
		}
	}
	for name := range catalog.SeedExampleArgs() {
		if _, err := cat.Lookup(name); err != nil {
			t.Errorf("SeedExampleArgs: %v", err)
		}
	}
}
