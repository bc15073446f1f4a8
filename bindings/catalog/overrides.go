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
