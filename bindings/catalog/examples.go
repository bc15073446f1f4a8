package catalog

import (
	"sort"
	"strings"
)

// Example values that exist in the emulator's default seed, so every page's
// example runs offline as written. The catalog cannot import the emulator (it
// is the lowest package), so the values live here as plain tables; a test in
// package emulator checks that each id and slug is in the default seed, and a
// test in package workos runs every example against the emulator.

// SeedExampleIDs maps the prefix of a WorkOS object id ("org_", "om_") to the
// id of an object of that kind in the emulator's default seed. An example
// value from the specification that carries one of these prefixes is replaced
// by the seed id. Each call returns a fresh map.
func SeedExampleIDs() map[string]string {
	return map[string]string{
		"org_":             "org_01HACME00000000000000000AC",
		"user_":            "user_01HA11CE000000000000000AL",
		"om_":              "om_01HB0BACME000000000000000B",
		"authz_resource_":  "authz_resource_01HENG00000000000000000EN",
		"resource_":        "authz_resource_01HENG00000000000000000EN",
		"group_":           "group_01HENG1NEERS0000000000000G",
		"directory_":       "directory_01HACME0KTA0000000000000D",
		"directory_group_": "directory_group_01HACMEENG0000000000000G",
		"directory_user_":  "directory_user_01HA11CE00000000000000DA",
		"conn_":            "conn_01HACME0KTASAML00000000000",
	}
}

// SeedExampleArgs gives, by operation and argument key, example values other
// than ids (slugs, external ids, names) that name default-seed objects. Each
// call returns a fresh map.
func SeedExampleArgs() map[string]map[string]any {
	byExternalID := map[string]any{"resource_type_slug": "workspace", "external_id": "engineering", "permission_slug": "workspaces:read"}
	return map[string]map[string]any{
		"authorization_check":                                                                              {"permission_slug": "workspaces:read"},
		"authorization_list_resources_for_membership":                                                      {"permission_slug": "projects:read"},
		"authorization_list_effective_permissions_by_external_id":                                          byExternalID,
		"authorization_organization_roles_get":                                                             {"slug": "org-billing"},
		"authorization_resources_by_external_id_get_by_external_id":                                        byExternalID,
		"authorization_resources_by_external_id_list_organization_memberships_for_resource_by_external_id": byExternalID,
		"authorization_role_assignments_list_role_assignments_for_resource_by_external_id":                 byExternalID,
		"authorization_permissions_find":                                                                   {"slug": "users:read"},
		"authorization_resources_list_organization_memberships_for_resource":                               {"permission_slug": "workspaces:read"},
		"organizations_get_by_external_id":                                                                 {"external_id": "acme"},
		"userland_users_get_by_external_id":                                                                {"external_id": "alice"},
	}
}

// ExampleSetup is Lua that runs before an operation's example call to find or
// create the object the call needs, for kinds the default seed does not hold.
type ExampleSetup struct {
	// Lua is the setup code; it binds the locals that Args refer to.
	Lua string
	// Args maps argument keys to Lua expressions over the setup's locals.
	Args map[string]string
}

// ExampleSetups gives, by operation, the setup its example needs. Each call
// returns a fresh map.
func ExampleSetups() map[string]ExampleSetup {
	const org = `"org_01HACME00000000000000000AC"`
	invite := ExampleSetup{Lua: `local invite = workos.userland_user_invites_create{ email = "new.hire@acme.com", organization_id = ` + org + ` }`,
		Args: map[string]string{"id": "invite.id", "token": "invite.token"}}
	app := ExampleSetup{Lua: `local app = workos.applications_create{ name = "Reporting", application_type = "m2m", organization_id = ` + org + ` }`,
		Args: map[string]string{"id": "app.id"}}
	secret := ExampleSetup{Lua: `local secret = workos.vault_kv_create{ name = "api-token", value = "s3cret", key_context = { organization_id = ` + org + ` } }`,
		Args: map[string]string{"id": "secret.id", "name": `"api-token"`}}
	integration := ExampleSetup{Lua: `workos.data_integrations_management_create_data_integration{ provider = "github" }`}
	return map[string]ExampleSetup{
		"data_integrations_management_get_data_integration":    integration,
		"data_integrations_get_data_integration_authorize_url": integration,
		"data_integrations_user_management_get_user_data_installation": {Lua: integration.Lua + `
workos.data_integrations_upsert_api_key{ slug = "github", user_id = "user_01HA11CE000000000000000AL", secret = "ghp_example1234" }`},
		"public_radar_challenges_get": {Lua: `local challenge = workos.public_radar_challenges_send_radar_sms_challenge{ user_id = "user_01HA11CE000000000000000AL", pending_authentication_token = "token", phone_number = "+15555550123" }`,
			Args: map[string]string{"id": "challenge.verification_id"}},
		"vault_keys_decrypt": {Lua: `local key = workos.vault_keys_create_data_key{ context = { organization_id = ` + org + ` } }`,
			Args: map[string]string{"keys": "key.encrypted_keys"}},
		"organization_domains_get": {Lua: `local org = workos.organizations_find{ id = ` + org + ` }`,
			Args: map[string]string{"id": "org.domains[1].id"}},
		"userland_user_invites_get":          invite,
		"userland_user_invites_get_by_token": invite,
		"applications_find":                  app,
		"application_credentials_list":       app,
		"vault_kv_get":                       secret,
		"vault_kv_get_by_name":               secret,
		"vault_kv_describe":                  secret,
		"vault_kv_list_versions":             secret,
		"audit_log_exports_export": {Lua: `local export = workos.audit_log_exports_exports{ organization_id = ` + org + `, range_start = "2026-01-01T00:00:00.000Z", range_end = "2026-02-01T00:00:00.000Z" }`,
			Args: map[string]string{"audit_log_export_id": "export.id"}},
		"authentication_factors_get": {Lua: `local factor = workos.authentication_factors_create{ type = "totp", totp_issuer = "Acme", totp_user = "alice@acme.com" }`,
			Args: map[string]string{"id": "factor.id"}},
		"authorization_group_role_assignments_get": {Lua: `local assignment = workos.authorization_group_role_assignments_create{ group_id = "group_01HENG1NEERS0000000000000G", role_slug = "member" }`,
			Args: map[string]string{"role_assignment_id": "assignment.id"}},
		"userland_magic_auth_get": {Lua: `local code = workos.userland_magic_auth_send_magic_auth_code_and_return{ email = "alice@acme.com" }`,
			Args: map[string]string{"id": "code.id"}},
		"userland_users_get_password_reset": {Lua: `local reset = workos.userland_users_create_password_reset_token{ email = "alice@acme.com" }`,
			Args: map[string]string{"id": "reset.id"}},
		// The API returns no id when it sends the email; the event carries it.
		"userland_users_get_email_verification": {Lua: `workos.userland_users_send_verification_email_0{ id = "user_01HDAVE00000000000000000DV" }
local sent = workos.events_list{ events = { "email_verification.created" } }.data[1]`,
			Args: map[string]string{"id": "sent.data.id"}},
		"audit_log_validator_versions_schemas": {Lua: `workos.audit_log_validator_versions_create{ action_name = "user.logged_in", targets = { { type = "user" } } }`},
	}
}

// luaExpr is Lua source that luaLiteral writes as is.
type luaExpr string

// seedID returns the default-seed id for an example id with a known prefix
// (the longest matching prefix wins).
func seedID(ids map[string]string, example string) (string, bool) {
	prefixes := make([]string, 0, len(ids))
	for p := range ids {
		prefixes = append(prefixes, p)
	}
	sort.Slice(prefixes, func(i, j int) bool { return len(prefixes[i]) > len(prefixes[j]) })
	for _, p := range prefixes {
		// The rest must be the bare ULID: "org_domain_01E..." is not an "org_" id.
		if rest, ok := strings.CutPrefix(example, p); ok && rest != "" && !strings.Contains(rest, "_") {
			return ids[p], true
		}
	}
	return "", false
}

// exampleValue is the value op's example passes for key: the setup's
// expression or a default-seed value when there is one, else the
// specification's example with a known id replaced by the seed's.
func (op *Operation) exampleValue(setup map[string]string, key string, spec any) any {
	if e, ok := setup[key]; ok {
		return luaExpr(e)
	}
	if v, ok := SeedExampleArgs()[op.Name][key]; ok {
		return v
	}
	if s, ok := spec.(string); ok {
		if id, ok := seedID(SeedExampleIDs(), s); ok {
			return id
		}
	}
	return spec
}

// Example is the page's runnable example: the setup that finds or creates
// what the call needs (if any), the call, and a return of its result.
func (op *Operation) Example() string {
	var b strings.Builder
	setup := ExampleSetups()[op.Name]
	if setup.Lua != "" {
		b.WriteString(setup.Lua + "\n")
	}
	b.WriteString("local result = " + op.exampleCall(setup.Args) + "\nreturn result")
	return b.String()
}
