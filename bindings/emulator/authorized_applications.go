package emulator

import "strings"

// authorizedApplicationHandlers are the handlers of the Connect applications a
// user has authorized. A grant is recorded when a user signs in through
// authenticate with the client_id of a third-party Connect application (one that
// is not first party), as a user's consent in AuthKit would; deleting it revokes it.
func authorizedApplicationHandlers() map[string]handler {
	return map[string]handler{
		"authorized_applications_list": func(c *call) (any, error) {
			if _, err := c.user(c.pathParam("user_id")); err != nil {
				return nil, err
			}
			return c.page(c.store.filter("authorized_applications", where("user_id", c.pathParam("user_id"))), c.renderAuthorizedApp)
		},
		"organization_authorized_applications_list": func(c *call) (any, error) {
			if _, err := c.org(c.pathParam("organization_id")); err != nil {
				return nil, err
			}
			return c.page(c.store.filter("authorized_applications", where("_org", c.pathParam("organization_id"))), c.renderAuthorizedApp)
		},
		"authorized_applications_delete": (*call).authorizedAppDelete,
	}
}

// recordAuthorization stores (or refreshes) u's grant to the Connect application
// whose client_id the request names, if it is a third-party one.
func (c *call) recordAuthorization(u Object, org string) {
	app := c.store.find("connect_applications", where("client_id", c.bodyString("client_id")))
	if app == nil || app["is_first_party"] == true {
		return
	}
	scopes := strs(app["scopes"])
	if s := strings.Fields(c.bodyString("scope")); len(s) > 0 {
		scopes = s
	}
	g := c.store.find("authorized_applications", where("user_id", str(u["id"]), "_app", str(app["id"])))
	if g == nil {
		g = c.newObj("authorized_connect_application", "authorized_connect_app_")
		g["user_id"], g["_app"] = u["id"], app["id"]
		c.store.put("authorized_applications", g)
	} else {
		c.touch(g)
	}
	g["granted_scopes"], g["_org"] = toAny(scopes), org
	c.emit("authorized_application.created", g, org)
}

func (c *call) renderAuthorizedApp(g Object) any {
	out := public(g)
	if app := c.store.get("connect_applications", str(g["_app"])); app != nil {
		out["application"] = public(app)
	}
	return out
}

// authorizedAppDelete revokes the user's grant, named by its id or by the
// application's id.
func (c *call) authorizedAppDelete() (any, error) {
	user, id := c.pathParam("user_id"), c.pathParam("application_id")
	if _, err := c.user(user); err != nil {
		return nil, err
	}
	g := c.store.find("authorized_applications", func(o Object) bool {
		return str(o["user_id"]) == user && (str(o["id"]) == id || str(o["_app"]) == id)
	})
	if g == nil {
		return nil, notFound("Authorized application", id)
	}
	c.store.del("authorized_applications", str(g["id"]))
	c.emit("authorized_application.deleted", g, str(g["_org"]))
	return nil, nil
}
