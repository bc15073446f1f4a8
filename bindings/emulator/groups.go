package emulator

import (
	"fmt"
	"slices"
)

// groupHandlers are the handlers of groups and their members.
func groupHandlers() map[string]handler {
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
	}
}

func (c *call) orgGroup() (Object, error) {
	g := c.store.find("groups", where("id", c.pathParam("groupId"), "organization_id", c.pathParam("organizationId")))
	if g == nil {
		return nil, notFound("Group", c.pathParam("groupId"))
	}
	return g, nil
}

func (c *call) groupByID(id string) (Object, error) {
	return c.lookup("groups", "Group", id)
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
	if !slices.Contains(members, om) {
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
	if !slices.Contains(strs(g["_members"]), om) {
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
	items := c.store.filter("groups", func(g Object) bool { return slices.Contains(strs(g["_members"]), str(m["id"])) })
	return c.page(items, nil)
}
