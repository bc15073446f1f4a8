package emulator

import (
	"fmt"
	"strings"
)

func groupFlagHandlers() map[string]handler {
	return map[string]handler{
		"groups_create": (*call).groupCreate,
		"groups_list":   (*call).groupList,
		"groups_get": func(c *call) any {
			g, err := c.orgGroup()
			if err != nil {
				return err
			}
			return public(g)
		},
		"groups_update":                              (*call).groupUpdate,
		"groups_delete":                              (*call).groupDelete,
		"group_memberships_add_member":               (*call).groupAddMember,
		"group_memberships_list_members":             (*call).groupListMembers,
		"group_memberships_remove_member":            (*call).groupRemoveMember,
		"organization_membership_groups_list_groups": (*call).omGroups,

		"feature_flags_list": func(c *call) any { return c.flagPage(c.st.all("feature_flags")) },
		"feature_flags_find_by_slug": func(c *call) any {
			f, err := c.flag()
			if err != nil {
				return err
			}
			return c.renderFlag(f)
		},
		"feature_flags_enable_flag":        func(c *call) any { return c.flagSet(true) },
		"feature_flags_disable_flag":       func(c *call) any { return c.flagSet(false) },
		"flag_targets_create_target":       func(c *call) any { return c.flagTarget(true) },
		"flag_targets_delete_target":       func(c *call) any { return c.flagTarget(false) },
		"organization_feature_flags_list":  (*call).orgFlags,
		"userland_user_feature_flags_list": (*call).userFlags,
	}
}

func (c *call) orgGroup() (Object, *apiError) {
	g := c.st.find("groups", where("id", c.p("groupId"), "organization_id", c.p("organizationId")))
	if g == nil {
		return nil, notFound("Group", c.p("groupId"))
	}
	return g, nil
}

func (c *call) groupCreate() any {
	org := c.p("organizationId")
	if _, err := c.org(org); err != nil {
		return err
	}
	g := c.newObj("group", "group_")
	g["organization_id"], g["name"], g["description"], g["_members"] = org, c.s("name"), nil, []any{}
	c.copyFields(g, "description")
	c.st.put("groups", g)
	c.emit("group.created", g, org)
	return public(g)
}

func (c *call) groupList() any {
	if _, err := c.org(c.p("organizationId")); err != nil {
		return err
	}
	out, err := c.page(c.st.filter("groups", where("organization_id", c.p("organizationId"))), nil)
	if err != nil {
		return err
	}
	return out
}

func (c *call) groupUpdate() any {
	g, err := c.orgGroup()
	if err != nil {
		return err
	}
	c.copyFields(g, "name", "description")
	c.touch(g)
	c.emit("group.updated", g, str(g["organization_id"]))
	return public(g)
}

func (c *call) groupDelete() any {
	g, err := c.orgGroup()
	if err != nil {
		return err
	}
	c.st.del("groups", str(g["id"]))
	for _, ga := range c.st.filter("group_role_assignments", where("_group_id", str(g["id"]))) {
		c.st.del("group_role_assignments", str(ga["id"]))
	}
	c.emit("group.deleted", g, str(g["organization_id"]))
	return nil
}

func (c *call) groupAddMember() any {
	g, err := c.orgGroup()
	if err != nil {
		return err
	}
	om := c.s("organization_membership_id")
	m, err := c.membership(om)
	if err != nil {
		return err
	}
	if str(m["organization_id"]) != str(g["organization_id"]) {
		return invalid("organization_membership_id", "invalid", fmt.Sprintf("Organization membership '%s' belongs to another organization.", om))
	}
	members := strs(g["_members"])
	if !contains(members, om) {
		g["_members"] = toAny(append(members, om))
		c.touch(g)
		c.emit("group.member_added", Object{"group_id": g["id"], "organization_membership_id": om}, str(g["organization_id"]))
	}
	return public(g)
}

func (c *call) groupListMembers() any {
	g, err := c.orgGroup()
	if err != nil {
		return err
	}
	var items []Object
	for _, id := range strs(g["_members"]) {
		if m := c.st.get("organization_memberships", id); m != nil {
			items = append(items, m)
		}
	}
	out, aerr := c.page(items, c.renderOM)
	if aerr != nil {
		return aerr
	}
	return out
}

func (c *call) groupRemoveMember() any {
	g, err := c.orgGroup()
	if err != nil {
		return err
	}
	om := c.p("omId")
	if !contains(strs(g["_members"]), om) {
		return notFound("Group member", om)
	}
	g["_members"] = toAny(remove(strs(g["_members"]), om))
	c.touch(g)
	c.emit("group.member_removed", Object{"group_id": g["id"], "organization_membership_id": om}, str(g["organization_id"]))
	return nil
}

func (c *call) omGroups() any {
	m, err := c.membership(c.p("omId"))
	if err != nil {
		return err
	}
	items := c.st.filter("groups", func(g Object) bool { return contains(strs(g["_members"]), str(m["id"])) })
	out, aerr := c.page(items, nil)
	if aerr != nil {
		return aerr
	}
	return out
}

// Feature flags (seeded only: the API cannot create them).

func (c *call) flag() (Object, *apiError) {
	f := c.st.find("feature_flags", where("slug", c.p("slug")))
	if f == nil {
		return nil, notFound("Feature Flag", c.p("slug"))
	}
	return f, nil
}

func (c *call) renderFlag(f Object) any { return public(f) }

func (c *call) flagPage(items []Object) any {
	out, err := c.page(items, func(o Object) any { return c.renderFlag(o) })
	if err != nil {
		return err
	}
	return out
}

func (c *call) flagSet(on bool) any {
	f, err := c.flag()
	if err != nil {
		return err
	}
	f["enabled"] = on
	c.touch(f)
	c.emit("flag.updated", public(f), "")
	return c.renderFlag(f)
}

func (c *call) flagTarget(add bool) any {
	f, err := c.flag()
	if err != nil {
		return err
	}
	id := c.p("resourceId")
	switch {
	case strings.HasPrefix(id, "org_"):
		if _, err := c.org(id); err != nil {
			return err
		}
	case strings.HasPrefix(id, "user_"):
		if _, err := c.user(id); err != nil {
			return err
		}
	default:
		return badRequest("invalid_resource_id_format", fmt.Sprintf("'%s' is neither an organization id (org_...) nor a user id (user_...).", id))
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
	return nil
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

func (c *call) orgFlags() any {
	org := c.p("organizationId")
	if _, err := c.org(org); err != nil {
		return err
	}
	return c.flagPage(c.st.filter("feature_flags", func(f Object) bool { return flagOn(f, org) }))
}

func (c *call) userFlags() any {
	uid := c.p("userId")
	if _, err := c.user(uid); err != nil {
		return err
	}
	ids := []string{uid}
	for _, m := range c.st.filter("organization_memberships", where("user_id", uid, "status", "active")) {
		ids = append(ids, str(m["organization_id"]))
	}
	return c.flagPage(c.st.filter("feature_flags", func(f Object) bool { return flagOn(f, ids...) }))
}
