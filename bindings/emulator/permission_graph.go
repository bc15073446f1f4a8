package emulator

import (
	"slices"
	"sort"
)

// permissionGraphHandlers are the handlers of the questions answered from the
// permission graph: checks, effective permissions, resources for a membership and
// memberships for a resource.
func permissionGraphHandlers() map[string]handler {
	return map[string]handler{
		"authorization_resources_list_organization_memberships_for_resource": func(c *call) (any, error) { return c.membersForResource(c.resByID()) },
		"authorization_resources_by_external_id_list_organization_memberships_for_resource_by_external_id": func(c *call) (any, error) {
			return c.membersForResource(c.resByExt())
		},
		"authorization_check":                         (*call).authzCheck,
		"authorization_list_resources_for_membership": (*call).resourcesForMembership,
		"authorization_list_effective_permissions":    func(c *call) (any, error) { return c.effectivePermsOut(c.resByIDParam("resource_id")) },
		"authorization_list_effective_permissions_by_external_id": func(c *call) (any, error) {
			return c.effectivePermsOut(c.resByExt())
		},
	}
}

// ancestors returns the resource ids from r up to the root ("" stands for the organization).
func (c *call) ancestors(r Object) []string {
	var out []string
	seen := map[string]bool{}
	for p := r; p != nil && !seen[str(p["id"])]; p = c.store.get("authorization_resources", str(p["parent_resource_id"])) {
		seen[str(p["id"])] = true
		out = append(out, str(p["id"]))
	}
	return append(out, "")
}

// rolesOn returns the role slugs membership m holds on resource r (nil: the
// organization itself), directly or inherited from ancestors, the membership's
// organization roles and its groups' assignments; direct reports whether one is on r itself.
func (c *call) rolesOn(m Object, r Object) (roles []string, direct bool) {
	if str(m["status"]) != "active" {
		return nil, false
	}
	anc := []string{""}
	if r != nil {
		anc = c.ancestors(r)
	}
	set := map[string]bool{}
	for _, s := range strs(m["_roles"]) {
		set[s] = true
	}
	if r == nil && len(set) > 0 {
		direct = true
	}
	mid := str(m["id"])
	var groups []string
	for _, g := range c.store.filter("groups", where("organization_id", str(m["organization_id"]))) {
		if slices.Contains(strs(g["_members"]), mid) {
			groups = append(groups, str(g["id"]))
		}
	}
	for _, ra := range c.store.filter("role_assignments", where("organization_membership_id", mid)) {
		if slices.Contains(anc, str(ra["_resource_id"])) {
			set[str(ra["_role_slug"])] = true
			if r != nil && str(ra["_resource_id"]) == str(r["id"]) {
				direct = true
			}
		}
	}
	for _, ga := range c.store.all("group_role_assignments") {
		if slices.Contains(groups, str(ga["_group_id"])) && slices.Contains(anc, str(ga["_resource_id"])) {
			set[str(ga["_role_slug"])] = true
		}
	}
	for s := range set {
		roles = append(roles, s)
	}
	sort.Strings(roles)
	return roles, direct
}

// effectivePerms returns the permission slugs membership m has on r.
func (c *call) effectivePerms(m Object, r Object) []string {
	roles, _ := c.rolesOn(m, r)
	set := map[string]bool{}
	for _, slug := range roles {
		if role := c.roleFor(str(m["organization_id"]), slug); role != nil {
			for _, p := range strs(role["permissions"]) {
				set[p] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (c *call) authzCheck() (any, error) {
	m, err := c.membership(c.pathParam("organization_membership_id"))
	if err != nil {
		return nil, err
	}
	res, err := c.resolveResource(str(m["organization_id"]), "")
	if err != nil {
		return nil, err
	}
	return map[string]any{"authorized": slices.Contains(c.effectivePerms(m, res), c.bodyString("permission_slug"))}, nil
}

func (c *call) effectivePermsOut(r Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	m, err := c.membership(c.pathParam("organization_membership_id"))
	if err != nil {
		return nil, err
	}
	var items []Object
	for _, slug := range c.effectivePerms(m, r) {
		if p := c.store.find("permissions", where("slug", slug)); p != nil {
			items = append(items, p)
		}
	}
	return c.page(items, nil)
}

func (c *call) resourcesForMembership() (any, error) {
	m, err := c.membership(c.pathParam("organization_membership_id"))
	if err != nil {
		return nil, err
	}
	org := str(m["organization_id"])
	perm := c.queryParam("permission_slug")
	parentID := c.queryParam("parent_resource_id")
	if ext := c.queryParam("parent_resource_external_id"); parentID == "" && ext != "" {
		p, err := c.resourceByExternalID(org, c.queryParam("parent_resource_type_slug"), ext, ext)
		if err != nil {
			return nil, err
		}
		parentID = str(p["id"])
	}
	if parentID == "" {
		return nil, badRequest("bad_request", "Pass parent_resource_id, or parent_resource_external_id with parent_resource_type_slug (the organization id selects top-level resources).")
	}
	if parentID == org {
		parentID = ""
	}
	items := c.store.filter("authorization_resources", func(r Object) bool {
		if str(r["organization_id"]) != org || str(r["parent_resource_id"]) != parentID {
			return false
		}
		return slices.Contains(c.effectivePerms(m, r), perm)
	})
	return c.page(items, nil)
}

func (c *call) membersForResource(r Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	perm, assignment := c.queryParam("permission_slug"), c.queryParam("assignment")
	items := c.store.filter("organization_memberships", func(m Object) bool {
		if str(m["organization_id"]) != str(r["organization_id"]) || !slices.Contains(c.effectivePerms(m, r), perm) {
			return false
		}
		if assignment == "direct" {
			return c.store.find("role_assignments", where("organization_membership_id", str(m["id"]), "_resource_id", str(r["id"]))) != nil
		}
		return true
	})
	return c.page(items, c.renderOM)
}
