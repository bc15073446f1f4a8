package emulator

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// dataIntegrationHandlers are the handlers of Pipes' data integrations: the
// environment's integrations (create, list, get, update, delete by slug), the
// connections a user makes to one (API key, client credentials), the
// authorization URL, vended credentials and tokens, and per-organization
// configurations.
func dataIntegrationHandlers() map[string]handler {
	return map[string]handler{
		"data_integrations_management_create_data_integration": (*call).dataIntegrationCreate,
		"data_integrations_management_list_data_integrations": func(c *call) (any, error) {
			return c.simpleList("data_integrations", nil)
		},
		"data_integrations_management_get_data_integration": func(c *call) (any, error) {
			return c.dataIntegrationRender(c.dataIntegration(c.pathParam("slug")))
		},
		"data_integrations_management_update_data_integration": (*call).dataIntegrationUpdate,
		"data_integrations_management_delete_data_integration": (*call).dataIntegrationDelete,
		"data_integrations_upsert_api_key":                     (*call).dataIntegrationAPIKey,
		"data_integrations_upsert_client_credentials":          (*call).dataIntegrationClientCredentials,
		"data_integrations_get_data_integration_authorize_url": (*call).dataIntegrationAuthorizeURL,
		"data_integrations_vend_credentials":                   (*call).dataIntegrationVend,
		"data_integrations_get_userland_user_token":            (*call).dataIntegrationToken,
		"provider_list_for_organization":                       (*call).providerList,
		"provider_configure":                                   (*call).providerConfigure,
	}
}

// dataIntegration is the stored integration with slug, or WorkOS's 404.
func (c *call) dataIntegration(slug string) (Object, error) {
	d := c.store.find("data_integrations", where("slug", slug))
	if d == nil {
		return nil, notFound("Data Integration", slug)
	}
	return d, nil
}

func (c *call) dataIntegrationRender(d Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return public(d), nil
}

func (c *call) dataIntegrationCreate() (any, error) {
	provider := c.bodyString("provider")
	if provider == "" {
		return nil, required422("provider")
	}
	slug := provider
	if cp, _ := c.body["custom_provider"].(map[string]any); cp != nil && str(cp["name"]) != "" {
		slug = slugify(str(cp["name"]))
	}
	if c.store.find("data_integrations", where("slug", slug)) != nil {
		return nil, conflict("data_integration_already_exists", fmt.Sprintf("A data integration '%s' already exists; update it with data_integrations_management_update_data_integration.", slug))
	}
	d := c.newObj("data_integration", "data_integration_")
	d["slug"], d["integration_type"] = slug, provider
	d["description"], d["enabled"], d["state"], d["scopes"] = nil, true, "valid", nil
	d["redirect_uri"] = "https://api.workos.com/data-integrations/" + slug + "/callback"
	d["auth_methods"] = []any{"oauth"}
	d["credentials"], d["installation"], d["config"], d["custom_provider"] = nil, nil, map[string]any{}, nil
	if c.bodyHas("auth_methods") {
		d["auth_methods"] = toAny(strs(c.body["auth_methods"]))
	}
	c.applyDataIntegration(d)
	c.store.put("data_integrations", d)
	c.emit("data_integration.created", d, "")
	return public(d), nil
}

// applyDataIntegration copies the create and update body fields onto d.
func (c *call) applyDataIntegration(d Object) {
	c.copyFields(d, "description", "enabled", "scopes", "config")
	if cr, _ := c.body["credentials"].(map[string]any); cr != nil {
		secret := str(cr["client_secret"])
		var redacted any
		if secret != "" {
			redacted = redact(secret)
		}
		var id any
		if s := str(cr["client_id"]); s != "" {
			id = s
		}
		d["credentials"] = map[string]any{"type": str(cr["type"]), "client_id": id, "redacted_client_secret": redacted}
	}
	if cp, _ := c.body["custom_provider"].(map[string]any); cp != nil {
		p := map[string]any{"name": "", "authorization_url": nil, "token_url": nil, "refresh_token_url": nil, "pkce_enabled": false,
			"request_scope_separator": " ", "scopes_required": false, "client_secret_required": true,
			"additional_authorization_parameters": map[string]any{}, "token_body_content_type": "application/x-www-form-urlencoded",
			"authenticate_via": "request_body"}
		if old, _ := d["custom_provider"].(map[string]any); old != nil {
			p = old
		}
		for k, v := range cp {
			p[k] = clone(v)
		}
		d["custom_provider"] = p
	}
	if ak, _ := c.body["api_key"].(map[string]any); ak != nil && str(ak["user_id"]) != "" {
		d["installation"] = map[string]any{"id": "installation_" + token(str(d["id"])+str(ak["user_id"])), "user_id": ak["user_id"],
			"organization_id": nilIfEmpty(str(ak["organization_id"])), "api_key_last_4": last4(str(ak["secret"]))}
	}
}

func (c *call) dataIntegrationUpdate() (any, error) {
	d, err := c.dataIntegration(c.pathParam("slug"))
	if err != nil {
		return nil, err
	}
	c.applyDataIntegration(d)
	c.touch(d)
	c.emit("data_integration.updated", d, "")
	return public(d), nil
}

// dataIntegrationDelete deletes the integration with its connected accounts and
// organization configurations.
func (c *call) dataIntegrationDelete() (any, error) {
	slug := c.pathParam("slug")
	d, err := c.dataIntegration(slug)
	if err != nil {
		return nil, err
	}
	for _, kind := range []string{"connected_accounts", "data_integration_configurations"} {
		for _, o := range c.store.filter(kind, where("slug", slug)) {
			c.store.del(kind, str(o["id"]))
		}
	}
	c.store.del("data_integrations", str(d["id"]))
	c.emit("data_integration.deleted", d, "")
	return nil, nil
}

// dataIntegrationAPIKey connects the user (and organization) to the integration
// with an API key, replacing an earlier connection.
func (c *call) dataIntegrationAPIKey() (any, error) {
	a, err := c.upsertConnectedAccount(c.pathParam("slug"), c.bodyString("user_id"), c.bodyString("organization_id"), "api_key")
	if err != nil {
		return nil, err
	}
	a["api_key_last_4"], a["_secret"] = last4(c.bodyString("secret")), c.bodyString("secret")
	return public(a), nil
}

// dataIntegrationClientCredentials connects the user with an OAuth client's
// credentials.
func (c *call) dataIntegrationClientCredentials() (any, error) {
	a, err := c.upsertConnectedAccount(c.pathParam("slug"), c.bodyString("user_id"), c.bodyString("organization_id"), "client_credentials")
	if err != nil {
		return nil, err
	}
	a["client_id"], a["client_secret_last_4"] = c.bodyString("client_id"), last4(c.bodyString("client_secret"))
	a["_secret"] = c.bodyString("client_secret")
	c.copyFields(a, "config")
	return public(a), nil
}

func (c *call) dataIntegrationAuthorizeURL() (any, error) {
	d, err := c.dataIntegration(c.pathParam("slug"))
	if err != nil {
		return nil, err
	}
	if _, err := c.user(c.bodyString("user_id")); err != nil {
		return nil, err
	}
	q := url.Values{"user_id": {c.bodyString("user_id")}, "state": {token(str(d["id"]) + c.bodyString("user_id"))}}
	if o := c.bodyString("organization_id"); o != "" {
		q.Set("organization_id", o)
	}
	if r := c.bodyString("return_to"); r != "" {
		q.Set("return_to", r)
	}
	return map[string]any{"url": "https://auth.example.com/data-integrations/" + url.PathEscape(str(d["slug"])) + "/authorize?" + q.Encode()}, nil
}

// dataIntegrationVend answers the credential of the user's connection: its API
// key, client secret or access token; {active:false} when there is none.
func (c *call) dataIntegrationVend() (any, error) {
	a, inactive, err := c.activeAccount()
	if err != nil || inactive != nil {
		return inactive, err
	}
	cred := map[string]any{"object": "credential", "auth_method": a["auth_method"], "value": a["_secret"]}
	switch a["auth_method"] {
	case "oauth":
		cred["value"], cred["expires_at"], cred["scopes"], cred["missing_scopes"] = a["_access_token"], a["_expires_at"], clone(a["scopes"]), c.missingScopes(a)
	case "client_credentials":
		cred["expires_at"], cred["scopes"], cred["missing_scopes"] = nil, clone(a["scopes"]), c.missingScopes(a)
		cred["metadata"] = map[string]any{"client_id": a["client_id"]}
	}
	return map[string]any{"active": true, "credential": cred}, nil
}

// dataIntegrationToken answers the access token of the user's OAuth connection.
func (c *call) dataIntegrationToken() (any, error) {
	a, inactive, err := c.activeAccount()
	if err != nil || inactive != nil {
		return inactive, err
	}
	if a["auth_method"] != "oauth" {
		return map[string]any{"active": false, "error": "not_installed"}, nil
	}
	return map[string]any{"active": true, "access_token": map[string]any{"object": "access_token", "access_token": a["_access_token"],
		"expires_at": a["_expires_at"], "scopes": clone(a["scopes"]), "missing_scopes": c.missingScopes(a)}}, nil
}

// activeAccount finds the body's user's connection to the path's integration:
// the account, or the {active:false} answer when there is none or it needs
// reauthorization.
func (c *call) activeAccount() (Object, any, error) {
	slug := c.pathParam("slug")
	if _, err := c.dataIntegration(slug); err != nil {
		return nil, nil, err
	}
	if _, err := c.user(c.bodyString("user_id")); err != nil {
		return nil, nil, err
	}
	a := c.connectedAccount(slug, c.bodyString("user_id"), c.bodyString("organization_id"))
	switch {
	case a == nil || a["state"] == "disconnected":
		return nil, map[string]any{"active": false, "error": "not_installed"}, nil
	case a["state"] == "needs_reauthorization":
		return nil, map[string]any{"active": false, "error": "needs_reauthorization"}, nil
	}
	return a, nil, nil
}

// missingScopes are the integration's scopes the account was not granted.
func (c *call) missingScopes(a Object) []any {
	d := c.store.find("data_integrations", where("slug", str(a["slug"])))
	missing := []any{}
	have := strs(a["scopes"])
	for _, s := range strs(d["scopes"]) {
		if !slices.Contains(have, s) {
			missing = append(missing, s)
		}
	}
	return missing
}

func (c *call) providerList() (any, error) {
	org := c.pathParam("organizationId")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	data := []any{}
	for _, o := range c.store.filter("data_integration_configurations", where("organization_id", org)) {
		data = append(data, public(o))
	}
	return map[string]any{"object": "list", "data": data}, nil
}

// providerConfigure creates or updates the organization's configuration of an
// integration (enabled, scopes, its own OAuth client).
func (c *call) providerConfigure() (any, error) {
	org, slug := c.pathParam("organizationId"), c.pathParam("slug")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	d, err := c.dataIntegration(slug)
	if err != nil {
		return nil, err
	}
	p := c.store.find("data_integration_configurations", where("organization_id", org, "slug", slug))
	if p == nil {
		p = c.newObj("data_integration_configuration", "data_integration_configuration_")
		p["organization_id"], p["slug"], p["name"], p["enabled"], p["scopes"], p["config"] = org, slug, d["integration_type"], true, nil, map[string]any{}
		p["credentials"] = map[string]any{"credentials_type": "shared", "has_credentials": false, "client_id": nil, "client_secret_last_four": nil, "redirect_uri": d["redirect_uri"]}
		c.store.put("data_integration_configurations", p)
	}
	c.copyFields(p, "enabled", "scopes", "config")
	if id := c.bodyString("client_id"); id != "" {
		p["credentials"] = map[string]any{"credentials_type": "organization", "has_credentials": c.bodyString("client_secret") != "",
			"client_id": id, "client_secret_last_four": nilIfEmpty(last4(c.bodyString("client_secret"))), "redirect_uri": d["redirect_uri"]}
	}
	c.touch(p)
	c.emit("data_integration_configuration.updated", p, org)
	return public(p), nil
}

// redact shows only the last four characters of a secret.
func redact(s string) string { return "****" + last4(s) }

func last4(s string) string {
	if len(s) <= 4 {
		return s
	}
	return s[len(s)-4:]
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// slugify lowercases name and joins its words with dashes.
func slugify(name string) string {
	f := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	return strings.Join(f, "-")
}
