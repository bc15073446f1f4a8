package emulator

import (
	"fmt"
)

// connectedAccountHandlers are the handlers of a user's connected accounts (a
// user's, and optionally an organization's, connection to a data integration)
// and of the user's data providers.
func connectedAccountHandlers() map[string]handler {
	return map[string]handler{
		"data_integrations_user_management_create_user_data_installation": (*call).connectedAccountCreate,
		"data_integrations_user_management_get_user_data_installation": func(c *call) (any, error) {
			a, err := c.pathConnectedAccount()
			if err != nil {
				return nil, err
			}
			return public(a), nil
		},
		"data_integrations_user_management_update_user_data_installation": (*call).connectedAccountUpdate,
		"data_integrations_user_management_delete_user_data_installation": (*call).connectedAccountDelete,
		"data_integrations_user_management_get_user_data_integrations":    (*call).dataProviders,
	}
}

// connectedAccount is the user's (and organization's, when org is set) account
// on the integration slug, or nil.
func (c *call) connectedAccount(slug, user, org string) Object {
	return c.store.find("connected_accounts", where("slug", slug, "user_id", user, "_org", org))
}

// upsertConnectedAccount returns the account of user (and org) on slug, creating
// it when there is none; either way it is connected with authMethod.
func (c *call) upsertConnectedAccount(slug, user, org, authMethod string) (Object, error) {
	if _, err := c.dataIntegration(slug); err != nil {
		return nil, err
	}
	if _, err := c.user(user); err != nil {
		return nil, err
	}
	if org != "" {
		if _, err := c.org(org); err != nil {
			return nil, err
		}
	}
	a := c.connectedAccount(slug, user, org)
	if a == nil {
		a = c.newObj("connected_account", "connected_account_")
		a["slug"], a["user_id"], a["organization_id"], a["_org"], a["scopes"] = slug, user, nilIfEmpty(org), org, []any{}
		a["api_key_last_4"], a["client_id"], a["client_secret_last_4"], a["config"] = nil, nil, nil, map[string]any{}
		c.store.put("connected_accounts", a)
		defer c.emit("pipes.connected_account.connected", a, org)
	} else {
		c.touch(a)
		defer c.emit("connected_account.updated", a, org)
	}
	a["auth_method"], a["state"] = authMethod, "connected"
	return a, nil
}

// pathConnectedAccount is the account named by the path (user, slug) and the
// organization_id query parameter, or WorkOS's 404.
func (c *call) pathConnectedAccount() (Object, error) {
	user, slug := c.pathParam("user_id"), c.pathParam("slug")
	if _, err := c.user(user); err != nil {
		return nil, err
	}
	a := c.connectedAccount(slug, user, c.queryParam("organization_id"))
	if a == nil {
		return nil, notFound("Connected account", fmt.Sprintf("%s/%s", user, slug))
	}
	return a, nil
}

// connectedAccountCreate stores an OAuth connection whose tokens the caller
// obtained elsewhere; a second one for the same user, organization and
// integration is 409.
func (c *call) connectedAccountCreate() (any, error) {
	user, slug, org := c.pathParam("user_id"), c.pathParam("slug"), c.queryParam("organization_id")
	if _, err := c.dataIntegration(slug); err != nil {
		return nil, err
	}
	if _, err := c.user(user); err != nil {
		return nil, err
	}
	if c.connectedAccount(slug, user, org) != nil {
		return nil, conflict("connected_account_already_exists", fmt.Sprintf("User '%s' already has a connected account for '%s'; update it instead.", user, slug))
	}
	a, err := c.upsertConnectedAccount(slug, user, org, "oauth")
	if err != nil {
		return nil, err
	}
	c.applyConnectedAccount(a)
	return public(a), nil
}

func (c *call) connectedAccountUpdate() (any, error) {
	a, err := c.pathConnectedAccount()
	if err != nil {
		return nil, err
	}
	c.applyConnectedAccount(a)
	c.touch(a)
	c.emit("connected_account.updated", a, c.queryParam("organization_id"))
	return public(a), nil
}

// applyConnectedAccount copies the OAuth fields of the body onto a; the tokens
// stay private and come back only from vend_credentials and the token endpoint.
func (c *call) applyConnectedAccount(a Object) {
	if c.bodyHas("access_token") {
		a["_access_token"] = c.bodyString("access_token")
	}
	if c.bodyHas("refresh_token") {
		a["_refresh_token"] = c.bodyString("refresh_token")
	}
	if c.bodyHas("expires_at") {
		a["_expires_at"] = nilIfEmpty(c.bodyString("expires_at"))
	}
	if c.bodyHas("scopes") {
		a["scopes"] = toAny(strs(c.body["scopes"]))
	}
	if s := c.bodyString("state"); s != "" {
		a["state"] = s
	}
}

func (c *call) connectedAccountDelete() (any, error) {
	a, err := c.pathConnectedAccount()
	if err != nil {
		return nil, err
	}
	c.store.del("connected_accounts", str(a["id"]))
	c.emit("pipes.connected_account.disconnected", a, str(a["_org"]))
	return nil, nil
}

// dataProviders lists every integration of the environment with the user's
// connected account on it (null when not connected).
func (c *call) dataProviders() (any, error) {
	user, org := c.pathParam("user_id"), c.queryParam("organization_id")
	if _, err := c.user(user); err != nil {
		return nil, err
	}
	data := []any{}
	for _, d := range c.store.all("data_integrations") {
		var acct any
		if a := c.connectedAccount(str(d["slug"]), user, org); a != nil {
			acct = public(a)
		}
		credType := "shared"
		if cr, _ := d["credentials"].(map[string]any); cr != nil {
			credType = str(cr["type"])
		}
		data = append(data, map[string]any{"object": "data_provider", "id": d["id"], "name": d["integration_type"],
			"description": d["description"], "slug": d["slug"], "integration_type": d["integration_type"],
			"integrationType": d["integration_type"], "credentials_type": credType, "credentialsType": credType,
			"scopes": clone(d["scopes"]), "auth_methods": clone(d["auth_methods"]), "ownership": "userland_user",
			"created_at": d["created_at"], "updated_at": d["updated_at"], "createdAt": d["created_at"], "updatedAt": d["updated_at"],
			"connected_account": acct})
	}
	return map[string]any{"object": "list", "data": data}, nil
}
