package catalog

// Hand-written decisions that the specification cannot express. The generator
// applies them; tests check that every entry still matches an operation.

// NameOverrides gives readable canonical names to operations whose operationIds do
// not follow the NestJS "XController_method" pattern (the vault service's Phoenix
// ids would otherwise become "jump_wire_web.data_vault.index"). Keyed by operationId.
var NameOverrides = map[string]string{
	"JumpWireWeb.KeyController.create_data_key":    "vault_keys_create_data_key",
	"JumpWireWeb.KeyController.decrypt":            "vault_keys_decrypt",
	"JumpWireWeb.KeyController.rekey":              "vault_keys_rekey",
	"JumpWireWeb.DataVaultController.index":        "vault_kv_list",
	"JumpWireWeb.DataVaultController.create":       "vault_kv_create",
	"JumpWireWeb.DataVaultController.show_by_name": "vault_kv_get_by_name",
	"JumpWireWeb.DataVaultController.show_by_id":   "vault_kv_get",
	"JumpWireWeb.DataVaultController.update":       "vault_kv_update",
	"JumpWireWeb.DataVaultController.delete":       "vault_kv_delete",
	"JumpWireWeb.DataVaultController.describe":     "vault_kv_describe",
	"JumpWireWeb.DataVaultController.versions":     "vault_kv_list_versions",
}

// AccessOverride changes the access class that the HTTP method implies.
type AccessOverride struct {
	Access Access
	Reason string
}

// AccessOverrides lists, by canonical name, the operations whose effect differs
// from what their HTTP method says. Everything else: GET is read, DELETE is
// destructive, POST/PUT/PATCH are write.
var AccessOverrides = map[string]AccessOverride{
	// POSTs that only compute an answer.
	"authorization_check":                                  {Read, "POST that only evaluates a permission check"},
	"api_keys_validate_api_key":                            {Read, "POST that only validates a key value"},
	"agent_admin_validate_credential":                      {Read, "POST that only validates a credential"},
	"data_integrations_get_data_integration_authorize_url": {Read, "POST that only builds an authorization URL"},
	"vault_keys_decrypt":                                   {Read, "POST that only decrypts a data key"},
	// GETs with side effects: they end sessions.
	"sso_logout":               {Write, "GET that ends the user's SSO session"},
	"userland_sessions_logout": {Write, "GET that ends the user's session"},
	// Irreversible operations that are not DELETEs.
	"api_keys_expire":                                                     {Destructive, "expiring an API key cannot be undone"},
	"userland_user_invites_revoke":                                        {Destructive, "a revoked invitation cannot be reinstated"},
	"userland_sessions_revoke_session":                                    {Destructive, "a revoked session cannot be restored"},
	"authorization_organization_role_permissions_set_permissions":         {Destructive, "replaces, and so drops, every permission of the role"},
	"authorization_role_permissions_set_permissions":                      {Destructive, "replaces, and so drops, every permission of the role"},
	"authorization_group_role_assignments_replace_group_role_assignments": {Destructive, "replaces, and so drops, every role assignment of the group"},
}

// MethodAccess is the access class an HTTP method implies.
func MethodAccess(method string) Access {
	switch method {
	case "GET", "HEAD":
		return Read
	case "DELETE":
		return Destructive
	default:
		return Write
	}
}

// ParamGroupOverrides adds, by canonical name, parameter rules that the
// specification states only in prose, so the validator checks them before a
// request is sent and the function page shows them. Fields are named as the
// specification spells the parameters.
var ParamGroupOverrides = map[string][]Group{
	// "At least one of `user_id` or `organization_id` must be provided."
	"userland_user_organization_memberships_list": {{Name: "member_or_organization", Inclusive: true, Alternatives: []GroupAlternative{
		{Name: "by_user", Fields: []string{"user_id"}},
		{Name: "by_organization", Fields: []string{"organization_id"}}, // last: the example lists an organization's members
	}}},
	// code_challenge_method: "Required when specifying a `code_challenge`."
	"userland_sso_authorize": {{Name: "pkce", Optional: true, Alternatives: []GroupAlternative{
		{Name: "pkce", Fields: []string{"code_challenge", "code_challenge_method"}},
	}}},
}

// BodyGroupOverrides adds, by canonical name, body rules that the
// specification states only in prose (see ParamGroupOverrides).
var BodyGroupOverrides = map[string][]Group{
	// phone_number: "Required when type is 'sms'."; totp_issuer, totp_user:
	// "Required when type is 'totp'."
	"authentication_factors_create": {
		{Name: "sms", When: &Condition{Field: "type", Equals: "sms"}, Alternatives: []GroupAlternative{
			{Name: "sms", Fields: []string{"phone_number"}}}},
		{Name: "totp", When: &Condition{Field: "type", Equals: "totp"}, Alternatives: []GroupAlternative{
			{Name: "totp", Fields: []string{"totp_issuer", "totp_user"}}}},
	},
	// organization_id: "Required when is_first_party is false."
	"applications_create": {{Name: "third_party", When: &Condition{Field: "is_first_party", Equals: false}, Alternatives: []GroupAlternative{
		{Name: "third_party", Fields: []string{"organization_id"}}}}},
	// client_id: "Must be provided together with `client_secret`".
	"provider_configure": {{Name: "own_credentials", Optional: true, Alternatives: []GroupAlternative{
		{Name: "own_credentials", Fields: []string{"client_id", "client_secret"}}}}},
	// credentials: "Mutually exclusive with `api_key`."
	"data_integrations_management_update_data_integration": {{Name: "secret", Optional: true, Alternatives: []GroupAlternative{
		{Name: "api_key", Fields: []string{"api_key"}},
		{Name: "credentials", Fields: []string{"credentials"}},
	}}},
	// organization_id: "Required when scopes are provided."
	"widgets_public_issue_widget_session_token": {{Name: "scoped", When: &Condition{Field: "scopes"}, Alternatives: []GroupAlternative{
		{Name: "scoped", Fields: []string{"organization_id"}}}}},
}
