package emulator

import (
	"fmt"
	"slices"
	"strings"
)

// membershipHandlers are the handlers of organization memberships.
func membershipHandlers() map[string]handler {
	return map[string]handler{
		"userland_user_organization_memberships_list":       (*call).omList,
		"userland_user_organization_memberships_create":     (*call).omCreate,
		"userland_user_organization_memberships_get":        (*call).omGet,
		"userland_user_organization_memberships_delete":     (*call).omDelete,
		"userland_user_organization_memberships_update":     (*call).omUpdate,
		"userland_user_organization_memberships_deactivate": func(c *call) (any, error) { return c.omSetStatus("inactive") },
		"userland_user_organization_memberships_reactivate": func(c *call) (any, error) { return c.omSetStatus("active") },
	}
}

func (c *call) membership(id string) (Object, error) {
	return c.lookup("organization_memberships", "Organization Membership", id)
}

// renderOM renders a membership with its organization name, roles and user.
func (c *call) renderOM(m Object) any {
	out := public(m)
	if o := c.store.get("organizations", str(m["organization_id"])); o != nil {
		out["organization_name"] = o["name"]
	}
	slugs := strs(m["_roles"])
	roles := make([]any, 0, len(slugs))
	for _, s := range slugs {
		roles = append(roles, map[string]any{"slug": s})
	}
	if len(slugs) > 0 {
		out["role"] = map[string]any{"slug": slugs[0]}
	}
	out["roles"] = roles
	if u := c.store.get("users", str(m["user_id"])); u != nil {
		out["user"] = public(u)
	}
	return out
}

// roleSlugs reads role_slug / role_slugs (default "member") and checks they exist.
func (c *call) roleSlugs(org string, dflt bool) ([]string, error) {
	var slugs []string
	if s := c.bodyString("role_slug"); s != "" {
		slugs = []string{s}
	} else if c.bodyHas("role_slugs") {
		slugs = strs(c.body["role_slugs"])
	} else if dflt {
		slugs = []string{"member"}
	}
	for _, s := range slugs {
		if !c.roleExists(org, s) {
			return nil, invalid("role_slug", "invalid_role", fmt.Sprintf("Role '%s' does not exist; list roles with authorization_organization_roles_list.", s))
		}
	}
	return slugs, nil
}

func (c *call) omList() (any, error) {
	user, org := c.queryParam("user_id"), c.queryParam("organization_id")
	if user == "" && org == "" {
		return nil, badRequest("missing_user_id_or_organization_id", "Pass user_id or organization_id to list organization memberships.")
	}
	statuses := strs(c.query["statuses"])
	if len(statuses) == 1 {
		statuses = strings.Split(statuses[0], ",")
	}
	items := c.store.filter("organization_memberships", func(o Object) bool {
		return (user == "" || str(o["user_id"]) == user) && (org == "" || str(o["organization_id"]) == org) &&
			(len(statuses) == 0 || slices.Contains(statuses, str(o["status"])))
	})
	return c.page(items, c.renderOM)
}

func (c *call) createMembership(userID, orgID string, slugs []string, status string) Object {
	m := c.newObj("organization_membership", "om_")
	m["user_id"], m["organization_id"], m["status"] = userID, orgID, status
	m["_roles"] = toAny(slugs)
	m["directory_managed"] = false
	m["custom_attributes"] = map[string]any{}
	c.store.put("organization_memberships", m)
	c.emit("organization_membership.created", c.renderOM(m), orgID)
	return m
}

func (c *call) omCreate() (any, error) {
	userID, orgID := c.bodyString("user_id"), c.bodyString("organization_id")
	if _, err := c.user(userID); err != nil {
		return nil, err
	}
	if _, err := c.org(orgID); err != nil {
		return nil, err
	}
	if c.store.find("organization_memberships", where("user_id", userID, "organization_id", orgID)) != nil {
		return nil, conflict("organization_membership_already_exists", fmt.Sprintf("User '%s' is already a member of organization '%s'.", userID, orgID))
	}
	slugs, err := c.roleSlugs(orgID, true)
	if err != nil {
		return nil, err
	}
	return c.renderOM(c.createMembership(userID, orgID, slugs, "active")), nil
}

func (c *call) omGet() (any, error) {
	m, err := c.membership(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	return c.renderOM(m), nil
}

func (c *call) omDelete() (any, error) {
	m, err := c.membership(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	r := c.renderOM(m)
	id := str(m["id"])
	c.store.del("organization_memberships", id)
	for _, ra := range c.store.filter("role_assignments", where("organization_membership_id", id)) {
		c.store.del("role_assignments", str(ra["id"]))
	}
	for _, g := range c.store.all("groups") {
		g["_members"] = toAny(remove(strs(g["_members"]), id))
	}
	c.emit("organization_membership.deleted", r, str(m["organization_id"]))
	return nil, nil
}

func (c *call) omUpdate() (any, error) {
	m, err := c.membership(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	slugs, aerr := c.roleSlugs(str(m["organization_id"]), false)
	if aerr != nil {
		return nil, aerr
	}
	if slugs != nil {
		m["_roles"] = toAny(slugs)
	}
	c.touch(m)
	r := c.renderOM(m)
	c.emit("organization_membership.updated", r, str(m["organization_id"]))
	return r, nil
}

func (c *call) omSetStatus(status string) (any, error) {
	m, err := c.membership(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	if m["status"] == "pending" {
		verb := "deactivate"
		if status == "active" {
			verb = "reactivate"
		}
		return nil, badRequest("cannot_"+verb+"_pending_organization_membership", fmt.Sprintf("Organization membership '%s' is pending and cannot be %sd.", m["id"], verb))
	}
	m["status"] = status
	c.touch(m)
	r := c.renderOM(m)
	c.emit("organization_membership.updated", r, str(m["organization_id"]))
	return r, nil
}
