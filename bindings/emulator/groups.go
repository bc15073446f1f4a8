package emulator

import (
	"fmt"
	"strings"
)

func groupFlagHandlers() map[string]handler {
	return map[string]handler{
		"groups_create": (*call).groupCreate,
		"groups_list":   (*call).groupList,
		"groups_get": func(c *call) (any, error) {
			g, err := c.orgGroup()
			if err != nil {
				return nil, err
			}
			return public(g), nil
		},
		"groups_update":                              (*call).groupUpdate,
		"groups_delete":                              (*call).groupDelete,
		"group_memberships_add_member":               (*call).groupAddMember,
		"group_memberships_list_members":             (*call).groupListMembers,
		"group_memberships_remove_member":            (*call).groupRemoveMember,
		"organization_membership_groups_list_groups": (*call).omGroups,

		"feature_flags_list": func(c *call) (any, error) { return c.flagPage(c.store.all("feature_flags")) },
		"feature_flags_find_by_slug": func(c *call) (any, error) {
			f, err := c.flag()
			if err != nil {
				return nil, err
			}
			return c.renderFlag(f), nil
		},
		"feature_flags_enable_flag":        func(c *call) (any, error) { return c.flagSet(true) },
		"feature_flags_disable_flag":       func(c *call) (any, error) { return c.flagSet(false) },
		"flag_targets_create_target":       func(c *call) (any, error) { return c.flagTarget(true) },
		"flag_targets_delete_target":       func(c *call) (any, error) { return c.flagTarget(false) },
		"organization_feature_flags_list":  (*call).orgFlags,
		"userland_user_feature_flags_list": (*call).userFlags,
	}
}

func (c *call) orgGroup() (Object, error) {
	g := c.store.find("groups", where("id", c.pathParam("groupId"), "organization_id", c.pathParam("organizationId")))
	if g == nil {
		return nil, notFound("Group", c.pathParam("groupId"))
	}
	return g, nil
}

func (c *call) groupCreate() (any, error) {
	org := c.pathParam("organizationId")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	g := c.newObj("group", "group_")
	g["organization_id"], g["name"], g["description"], g["_members"] = org, c.bodyString("name"), nil, []any{}
	c.copyFields(g, "description")
	c.store.put("groups", g)
	c.emit("group.created", g, org)
	return public(g), nil
}

func (c *call) groupList() (any, error) {
	if _, err := c.org(c.pathParam("organizationId")); err != nil {
		return nil, err
	}
	return c.page(c.store.filter("groups", where("organization_id", c.pathParam("organizationId"))), nil)
}

func (c *call) groupUpdate() (any, error) {
	g, err := c.orgGroup()
	if err != nil {
		return nil, err
	}
	c.copyFields(g, "name", "description")
	c.touch(g)
	c.emit("group.updated", g, str(g["organization_id"]))
	return public(g), nil
}

func (c *call) groupDelete() (any, error) {
	g, err := c.orgGroup()
	if err != nil {
		return nil, err
	}
	c.store.del("groups", str(g["id"]))
	for _, ga := range c.store.filter("group_role_assignments", where("_group_id", str(g["id"]))) {
		c.store.del("group_role_assignments", str(ga["id"]))
	}
	c.emit("group.deleted", g, str(g["organization_id"]))
	return nil, nil
}

func (c *call) groupAddMember() (any, error) {
	g, err := c.orgGroup()
	if err != nil {
		return nil, err
	}
	om := c.bodyString("organization_membership_id")
	m, err := c.membership(om)
	if err != nil {
		return nil, err
	}
	if str(m["organization_id"]) != str(g["organization_id"]) {
		return nil, invalid("organization_membership_id", "invalid", fmt.Sprintf("Organization membership '%s' belongs to another organization.", om))
	}
	members := strs(g["_members"])
	if !contains(members, om) {
		g["_members"] = toAny(append(members, om))
		c.touch(g)
		c.emit("group.member_added", Object{"group_id": g["id"], "organization_membership_id": om}, str(g["organization_id"]))
	}
	return public(g), nil
}

func (c *call) groupListMembers() (any, error) {
	g, err := c.orgGroup()
	if err != nil {
		return nil, err
	}
	var items []Object
	for _, id := range strs(g["_members"]) {
		if m := c.store.get("organization_memberships", id); m != nil {
			items = append(items, m)
		}
	}
	return c.page(items, c.renderOM)
}

func (c *call) groupRemoveMember() (any, error) {
	g, err := c.orgGroup()
	if err != nil {
		return nil, err
	}
	om := c.pathParam("omId")
	if !contains(strs(g["_members"]), om) {
		return nil, notFound("Group member", om)
	}
	g["_members"] = toAny(remove(strs(g["_members"]), om))
	c.touch(g)
	c.emit("group.member_removed", Object{"group_id": g["id"], "organization_membership_id": om}, str(g["organization_id"]))
	return nil, nil
}

func (c *call) omGroups() (any, error) {
	m, err := c.membership(c.pathParam("omId"))
	if err != nil {
		return nil, err
	}
	items := c.store.filter("groups", func(g Object) bool { return contains(strs(g["_members"]), str(m["id"])) })
	return c.page(items, nil)
}

// Feature flags (seeded only: the API cannot create them).

func (c *call) flag() (Object, error) {
	f := c.store.find("feature_flags", where("slug", c.pathParam("slug")))
	if f == nil {
		return nil, notFound("Feature Flag", c.pathParam("slug"))
	}
	return f, nil
}

func (c *call) renderFlag(f Object) any { return public(f) }

func (c *call) flagPage(items []Object) (any, error) {
	return c.page(items, func(o Object) any { return c.renderFlag(o) })
}

func (c *call) flagSet(on bool) (any, error) {
	f, err := c.flag()
	if err != nil {
		return nil, err
	}
	f["enabled"] = on
	c.touch(f)
	c.emit("flag.updated", public(f), "")
	return c.renderFlag(f), nil
}

func (c *call) flagTarget(add bool) (any, error) {
	f, err := c.flag()
	if err != nil {
		return nil, err
	}
	id := c.pathParam("resourceId")
	switch {
	case strings.HasPrefix(id, "org_"):
		if _, err := c.org(id); err != nil {
			return nil, err
		}
	case strings.HasPrefix(id, "user_"):
		if _, err := c.user(id); err != nil {
			return nil, err
		}
	default:
		return nil, badRequest("invalid_resource_id_format", fmt.Sprintf("'%s' is neither an organization id (org_...) nor a user id (user_...).", id))
	}
	targets := strs(f["_targets"])
	if add && !contains(targets, id) {
		targets = append(targets, id)
	} else if !add {
		targets = remove(targets, id)
	}
	f["_targets"] = toAny(targets)
	c.touch(f)
	c.emit("flag.rule_updated", public(f), "")
	return nil, nil
}

// flagOn evaluates a flag for an organization and/or user.
func flagOn(f Object, ids ...string) bool {
	if f["enabled"] != true {
		return false
	}
	if f["default_value"] == true {
		return true
	}
	targets := strs(f["_targets"])
	for _, id := range ids {
		if id != "" && contains(targets, id) {
			return true
		}
	}
	return false
}

func (c *call) orgFlags() (any, error) {
	org := c.pathParam("organizationId")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	return c.flagPage(c.store.filter("feature_flags", func(f Object) bool { return flagOn(f, org) }))
}

func (c *call) userFlags() (any, error) {
	uid := c.pathParam("userId")
	if _, err := c.user(uid); err != nil {
		return nil, err
	}
	ids := []string{uid}
	for _, m := range c.store.filter("organization_memberships", where("user_id", uid, "status", "active")) {
		ids = append(ids, str(m["organization_id"]))
	}
	return c.flagPage(c.store.filter("feature_flags", func(f Object) bool { return flagOn(f, ids...) }))
}
