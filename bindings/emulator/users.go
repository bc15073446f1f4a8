package emulator

import (
	"fmt"
	"strings"
)

// userHandlers are the handlers of users, their identities and sessions.
func userHandlers() map[string]handler {
	return map[string]handler{
		"userland_users_list_0":             (*call).userList,
		"userland_users_create_0":           (*call).userCreate,
		"userland_users_get_by_external_id": (*call).userByExternalID,
		"userland_users_get_0":              (*call).userGet,
		"userland_users_update_0":           (*call).userUpdate,
		"userland_users_delete_0":           (*call).userDelete,
		"userland_user_identities_get": func(c *call) (any, error) {
			if _, err := c.user(c.pathParam("id")); err != nil {
				return nil, err
			}
			return []any{}, nil
		},
		"userland_user_sessions_list":      (*call).sessionList,
		"userland_sessions_revoke_session": (*call).sessionRevoke,
	}
}

func (c *call) user(id string) (Object, error) {
	return c.lookup("users", "User", id)
}

func (c *call) userByEmail(email string) Object {
	email = strings.ToLower(email)
	return c.store.find("users", func(o Object) bool { return strings.ToLower(str(o["email"])) == email })
}

func (c *call) userList() (any, error) {
	org := c.queryParam("organization_id")
	if org == "" {
		org = c.queryParam("organization")
	}
	email := strings.ToLower(c.queryParam("email"))
	var members map[string]bool
	if org != "" {
		members = map[string]bool{}
		for _, m := range c.store.filter("organization_memberships", where("organization_id", org)) {
			members[str(m["user_id"])] = true
		}
	}
	items := c.store.filter("users", func(o Object) bool {
		if email != "" && strings.ToLower(str(o["email"])) != email {
			return false
		}
		return members == nil || members[str(o["id"])]
	})
	return c.page(items, nil)
}

func (c *call) newUser(email string) Object {
	u := c.newObj("user", "user_")
	u["email"] = strings.ToLower(email)
	u["email_verified"] = false
	u["first_name"] = nil
	u["last_name"] = nil
	u["profile_picture_url"] = nil
	u["last_sign_in_at"] = nil
	u["external_id"] = nil
	u["metadata"] = map[string]any{}
	u["locale"] = nil
	return u
}

func (c *call) userCreate() (any, error) {
	email := c.bodyString("email")
	if aerr := checkEmail("email", email); aerr != nil {
		return nil, aerr
	}
	if c.userByEmail(email) != nil {
		return nil, conflict("email_not_available", fmt.Sprintf("A user with email '%s' already exists.", strings.ToLower(email)))
	}
	if ext := c.bodyString("external_id"); ext != "" && c.store.find("users", where("external_id", ext)) != nil {
		return nil, conflict("external_id_not_available", fmt.Sprintf("A user with external_id '%s' already exists.", ext))
	}
	u := c.newUser(email)
	c.copyFields(u, "first_name", "last_name", "email_verified", "external_id", "metadata")
	if u["metadata"] == nil {
		u["metadata"] = map[string]any{}
	}
	if pw := c.bodyString("password"); pw != "" {
		u["_password"] = hashPassword(str(u["id"]), pw)
	}
	c.store.put("users", u)
	c.emit("user.created", u, "")
	return public(u), nil
}

func (c *call) userByExternalID() (any, error) {
	u := c.store.find("users", where("external_id", c.pathParam("external_id")))
	if u == nil {
		return nil, notFound("User with external_id", c.pathParam("external_id"))
	}
	return public(u), nil
}

func (c *call) userGet() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	return public(u), nil
}

func (c *call) userUpdate() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	if e := c.bodyString("email"); e != "" {
		if aerr := checkEmail("email", e); aerr != nil {
			return nil, aerr
		}
		if other := c.userByEmail(e); other != nil && str(other["id"]) != str(u["id"]) {
			return nil, conflict("email_not_available", fmt.Sprintf("A user with email '%s' already exists.", strings.ToLower(e)))
		}
		u["email"] = strings.ToLower(e)
	}
	c.copyFields(u, "first_name", "last_name", "email_verified", "external_id", "metadata", "locale")
	if pw := c.bodyString("password"); pw != "" {
		u["_password"] = hashPassword(str(u["id"]), pw)
	}
	c.touch(u)
	c.emit("user.updated", u, "")
	return public(u), nil
}

func (c *call) userDelete() (any, error) {
	u, err := c.user(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	id := str(u["id"])
	for _, kind := range []string{"organization_memberships", "sessions", "api_keys", "authentication_factors"} {
		for _, x := range c.store.filter(kind, where("user_id", id)) {
			c.store.del(kind, str(x["id"]))
		}
	}
	c.store.del("users", id)
	c.emit("user.deleted", u, "")
	return nil, nil
}

func (c *call) sessionList() (any, error) {
	if _, err := c.user(c.pathParam("id")); err != nil {
		return nil, err
	}
	return c.page(c.store.filter("sessions", where("user_id", c.pathParam("id"))), nil)
}

func (c *call) sessionRevoke() (any, error) {
	s, err := c.lookup("sessions", "Session", c.bodyString("session_id"))
	if err != nil {
		return nil, err
	}
	s["status"] = "revoked"
	s["ended_at"] = ts(c.now)
	delete(s, "_refresh_token")
	c.touch(s)
	c.emit("session.revoked", s, str(s["organization_id"]))
	return nil, nil
}
