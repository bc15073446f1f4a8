package emulator

import "strings"

// connectApplicationHandlers are the handlers of Connect applications and their client
// secrets.
func connectApplicationHandlers() map[string]handler {
	return map[string]handler{
		"applications_list":   (*call).appList,
		"applications_create": (*call).appCreate,
		"applications_find": func(c *call) (any, error) {
			a, err := c.app(c.pathParam("id"))
			if err != nil {
				return nil, err
			}
			return public(a), nil
		},
		"applications_update":            (*call).appUpdate,
		"applications_delete":            (*call).appDelete,
		"application_credentials_list":   (*call).secretList,
		"application_credentials_create": (*call).secretCreate,
		"application_credentials_delete": func(c *call) (any, error) {
			return c.simpleDelete("connect_secrets", "Client Secret", "connect_application_secret.deleted")
		},
	}
}

func (c *call) app(id string) (Object, error) {
	return c.lookup("connect_applications", "Connect Application", id)
}

func (c *call) appList() (any, error) {
	org := c.queryParam("organization_id")
	return c.simpleList("connect_applications", func(o Object) bool { return org == "" || str(o["organization_id"]) == org })
}

func (c *call) appCreate() (any, error) {
	if org := c.bodyString("organization_id"); org != "" {
		if _, err := c.org(org); err != nil {
			return nil, err
		}
	}
	a := c.newObj("connect_application", "conn_app_")
	a["client_id"] = "client_" + strings.TrimPrefix(str(a["id"]), "conn_app_")
	a["name"], a["description"], a["application_type"] = c.bodyString("name"), nil, c.bodyString("application_type")
	a["scopes"], a["redirect_uris"], a["organization_id"] = []any{}, []any{}, nil
	a["is_first_party"], a["uses_pkce"] = c.bodyBool("is_first_party"), c.bodyBool("uses_pkce")
	c.copyFields(a, "description", "scopes", "redirect_uris", "organization_id")
	c.store.put("connect_applications", a)
	c.emit("connect_application.created", a, str(a["organization_id"]))
	return public(a), nil
}

func (c *call) appUpdate() (any, error) {
	a, err := c.app(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.copyFields(a, "name", "description", "scopes", "redirect_uris")
	c.touch(a)
	c.emit("connect_application.updated", a, str(a["organization_id"]))
	return public(a), nil
}

func (c *call) appDelete() (any, error) {
	a, err := c.app(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.store.del("connect_applications", str(a["id"]))
	for _, s := range c.store.filter("connect_secrets", where("_application_id", str(a["id"]))) {
		c.store.del("connect_secrets", str(s["id"]))
	}
	c.emit("connect_application.deleted", a, str(a["organization_id"]))
	return nil, nil
}

func (c *call) secretList() (any, error) {
	if _, err := c.app(c.pathParam("id")); err != nil {
		return nil, err
	}
	out := []any{}
	for _, s := range c.store.filter("connect_secrets", where("_application_id", c.pathParam("id"))) {
		out = append(out, public(s))
	}
	return out, nil
}

func (c *call) secretCreate() (any, error) {
	a, err := c.app(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	s := c.newObj("connect_application_secret", "secret_")
	secret := "sec_" + token(str(s["id"])) + token(str(s["id"])+"s")
	s["secret_hint"], s["last_used_at"], s["_application_id"] = secret[len(secret)-4:], nil, a["id"]
	c.store.put("connect_secrets", s)
	c.emit("connect_application_secret.created", s, str(a["organization_id"]))
	out := public(s)
	out["secret"] = secret
	return out, nil
}
