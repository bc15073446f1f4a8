package emulator

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

func authzHandlers() map[string]handler {
	return map[string]handler{
		"authorization_permissions_list":   (*call).permList,
		"authorization_permissions_create": (*call).permCreate,
		"authorization_permissions_find":   (*call).permFind,
		"authorization_permissions_update": (*call).permUpdate,
		"authorization_permissions_delete": (*call).permDelete,

		"authorization_roles_create":                                  func(c *call) (any, error) { return c.roleCreate("") },
		"authorization_roles_list":                                    func(c *call) (any, error) { return c.roleListFor("") },
		"authorization_roles_get":                                     func(c *call) (any, error) { return c.roleGet("") },
		"authorization_roles_update":                                  func(c *call) (any, error) { return c.roleUpdate("") },
		"authorization_role_permissions_set_permissions":              func(c *call) (any, error) { return c.rolePerms("", "set") },
		"authorization_role_permissions_add_permission":               func(c *call) (any, error) { return c.rolePerms("", "add") },
		"authorization_organization_roles_create":                     func(c *call) (any, error) { return c.roleCreate(c.pathParam("organizationId")) },
		"authorization_organization_roles_list":                       func(c *call) (any, error) { return c.roleListFor(c.pathParam("organizationId")) },
		"authorization_organization_roles_get":                        func(c *call) (any, error) { return c.roleGet(c.pathParam("organizationId")) },
		"authorization_organization_roles_update":                     func(c *call) (any, error) { return c.roleUpdate(c.pathParam("organizationId")) },
		"authorization_organization_roles_delete":                     (*call).orgRoleDelete,
		"authorization_organization_role_permissions_set_permissions": func(c *call) (any, error) { return c.rolePerms(c.pathParam("organizationId"), "set") },
		"authorization_organization_role_permissions_add_permission":  func(c *call) (any, error) { return c.rolePerms(c.pathParam("organizationId"), "add") },
		"authorization_organization_role_permissions_remove_permission": func(c *call) (any, error) {
			return c.rolePerms(c.pathParam("organizationId"), "remove")
		},

		"authorization_resources_list":                                       (*call).resList,
		"authorization_resources_create":                                     (*call).resCreate,
		"authorization_resources_find_by_id":                                 func(c *call) (any, error) { return c.resOut(c.resByID()) },
		"authorization_resources_update":                                     func(c *call) (any, error) { return c.resUpdate(c.resByID()) },
		"authorization_resources_delete":                                     func(c *call) (any, error) { return c.resDelete(c.resByID()) },
		"authorization_resources_by_external_id_get_by_external_id":          func(c *call) (any, error) { return c.resOut(c.resByExt()) },
		"authorization_resources_by_external_id_update_by_external_id":       func(c *call) (any, error) { return c.resUpdate(c.resByExt()) },
		"authorization_resources_by_external_id_delete_by_external_id":       func(c *call) (any, error) { return c.resDelete(c.resByExt()) },
		"authorization_resources_list_organization_memberships_for_resource": func(c *call) (any, error) { return c.membersForResource(c.resByID()) },
		"authorization_resources_by_external_id_list_organization_memberships_for_resource_by_external_id": func(c *call) (any, error) {
			return c.membersForResource(c.resByExt())
		},
		"authorization_role_assignments_list_role_assignments_for_resource": func(c *call) (any, error) { return c.assignmentsForResource(c.resByID()) },
		"authorization_role_assignments_list_role_assignments_for_resource_by_external_id": func(c *call) (any, error) {
			return c.assignmentsForResource(c.resByExt())
		},

		"authorization_role_assignments_list_role_assignments":   (*call).raList,
		"authorization_role_assignments_assign_role":             (*call).raAssign,
		"authorization_role_assignments_remove_role_by_criteria": (*call).raRemoveByCriteria,
		"authorization_role_assignments_remove_role_by_id":       (*call).raRemoveByID,
		"authorization_check":                                    (*call).authzCheck,
		"authorization_list_resources_for_membership":            (*call).resourcesForMembership,
		"authorization_list_effective_permissions":               func(c *call) (any, error) { return c.effectivePermsOut(c.resByIDParam("resource_id")) },
		"authorization_list_effective_permissions_by_external_id": func(c *call) (any, error) {
			return c.effectivePermsOut(c.resByExt())
		},

		"authorization_group_role_assignments_list":                           (*call).graList,
		"authorization_group_role_assignments_create":                         (*call).graCreate,
		"authorization_group_role_assignments_replace_group_role_assignments": (*call).graReplace,
		"authorization_group_role_assignments_remove_group_role_assignments":  (*call).graRemoveByCriteria,
		"authorization_group_role_assignments_get":                            (*call).graGet,
		"authorization_group_role_assignments_remove_group_role_assignment":   (*call).graRemoveByID,
	}
}

// Permissions.

func (c *call) perm(slug string) (Object, error) {
	p := c.store.find("permissions", where("slug", slug))
	if p == nil {
		return nil, notFound("Permission", slug)
	}
	return p, nil
}

func (c *call) permList() (any, error) {
	return c.page(c.store.all("permissions"), nil)
}

func (c *call) permCreate() (any, error) {
	slug := c.bodyString("slug")
	if c.store.find("permissions", where("slug", slug)) != nil {
		return nil, conflict("permission_slug_conflict", fmt.Sprintf("A permission with slug '%s' already exists.", slug))
	}
	rt := c.bodyString("resource_type_slug")
	if rt == "" {
		rt = "organization"
	}
	if c.store.get("resource_types", rt) == nil {
		return nil, invalid("resource_type_slug", "invalid", fmt.Sprintf("Resource type '%s' does not exist.", rt))
	}
	p := c.newObj("permission", "perm_")
	p["slug"], p["name"], p["description"], p["system"], p["resource_type_slug"] = slug, c.bodyString("name"), nil, false, rt
	c.copyFields(p, "description")
	c.store.put("permissions", p)
	c.emit("permission.created", p, "")
	return public(p), nil
}

func (c *call) permFind() (any, error) {
	p, err := c.perm(c.pathParam("slug"))
	if err != nil {
		return nil, err
	}
	return public(p), nil
}

func (c *call) permUpdate() (any, error) {
	p, err := c.perm(c.pathParam("slug"))
	if err != nil {
		return nil, err
	}
	c.copyFields(p, "name", "description")
	c.touch(p)
	c.emit("permission.updated", p, "")
	return public(p), nil
}

func (c *call) permDelete() (any, error) {
	p, err := c.perm(c.pathParam("slug"))
	if err != nil {
		return nil, err
	}
	slug := str(p["slug"])
	c.store.del("permissions", str(p["id"]))
	for _, r := range c.store.all("roles") {
		r["permissions"] = toAny(remove(strs(r["permissions"]), slug))
	}
	c.emit("permission.deleted", p, "")
	return nil, nil
}

// Roles: environment roles have no organization_id; organization roles do.

func (c *call) findRole(org, slug string) Object {
	return c.store.find("roles", func(o Object) bool {
		if str(o["slug"]) != slug {
			return false
		}
		if org == "" {
			return o["organization_id"] == nil
		}
		return str(o["organization_id"]) == org
	})
}

// roleBySlugParam returns org's role named by the "slug" path parameter, or a 404.
func (c *call) roleBySlugParam(org string) (Object, error) {
	r := c.findRole(org, c.pathParam("slug"))
	if r == nil {
		return nil, notFound("Role", c.pathParam("slug"))
	}
	return r, nil
}

// roleFor resolves slug as seen from org: an organization role first, then an environment role.
func (c *call) roleFor(org, slug string) Object {
	if r := c.findRole(org, slug); r != nil || org == "" {
		return r
	}
	return c.findRole("", slug)
}

func (c *call) roleCreate(org string) (any, error) {
	if org != "" {
		if _, err := c.org(org); err != nil {
			return nil, err
		}
	}
	slug := c.bodyString("slug")
	if slug == "" {
		slug = "org-" + strings.ReplaceAll(strings.ToLower(c.bodyString("name")), " ", "-")
	}
	if c.findRole(org, slug) != nil {
		code := "role_slug_conflict"
		if org != "" {
			code = "organization_role_slug_conflict"
		}
		return nil, conflict(code, fmt.Sprintf("A role with slug '%s' already exists.", slug))
	}
	rt := c.bodyString("resource_type_slug")
	if rt == "" {
		rt = "organization"
	}
	if c.store.get("resource_types", rt) == nil {
		return nil, invalid("resource_type_slug", "invalid", fmt.Sprintf("Resource type '%s' does not exist.", rt))
	}
	r := c.newObj("role", "role_")
	r["slug"], r["name"], r["description"], r["resource_type_slug"], r["permissions"] = slug, c.bodyString("name"), nil, rt, []any{}
	c.copyFields(r, "description")
	r["type"] = "EnvironmentRole"
	event := "role.created"
	if org != "" {
		r["type"], r["organization_id"] = "OrganizationRole", org
		event = "organization_role.created"
	}
	c.store.put("roles", r)
	c.emit(event, r, org)
	return public(r), nil
}

func (c *call) roleListFor(org string) (any, error) {
	if org != "" {
		if _, err := c.org(org); err != nil {
			return nil, err
		}
	}
	var data []any
	for _, r := range c.store.all("roles") {
		if r["organization_id"] == nil || str(r["organization_id"]) == org {
			data = append(data, public(r))
		}
	}
	if data == nil {
		data = []any{}
	}
	return roleList(data), nil
}

func (c *call) roleGet(org string) (any, error) {
	r, err := c.roleBySlugParam(org)
	if err != nil {
		return nil, err
	}
	return public(r), nil
}

func (c *call) roleUpdate(org string) (any, error) {
	r, err := c.roleBySlugParam(org)
	if err != nil {
		return nil, err
	}
	c.copyFields(r, "name", "description")
	c.touch(r)
	c.emit(roleEvent(org, "updated"), r, org)
	return public(r), nil
}

func roleEvent(org, verb string) string {
	if org != "" {
		return "organization_role." + verb
	}
	return "role." + verb
}

func (c *call) rolePerms(org, mode string) (any, error) {
	r, err := c.roleBySlugParam(org)
	if err != nil {
		return nil, err
	}
	perms := strs(r["permissions"])
	switch mode {
	case "set":
		perms = strs(c.body["permissions"])
	case "add":
		if s := c.bodyString("slug"); !contains(perms, s) {
			perms = append(perms, s)
		}
	case "remove":
		perms = remove(perms, c.pathParam("permissionSlug"))
	}
	for _, p := range perms {
		if c.store.find("permissions", where("slug", p)) == nil {
			return nil, invalid("permissions", "invalid", fmt.Sprintf("Permission '%s' does not exist.", p))
		}
	}
	r["permissions"] = toAny(perms)
	c.touch(r)
	c.emit(roleEvent(org, "updated"), r, org)
	return public(r), nil
}

func (c *call) orgRoleDelete() (any, error) {
	org := c.pathParam("organizationId")
	r, err := c.roleBySlugParam(org)
	if err != nil {
		return nil, err
	}
	slug := str(r["slug"])
	for _, m := range c.store.filter("organization_memberships", where("organization_id", org)) {
		if contains(strs(m["_roles"]), slug) {
			return nil, conflict("role_has_assignments", fmt.Sprintf("Role '%s' is assigned to organization membership '%s'; reassign it first.", slug, m["id"]))
		}
	}
	c.store.del("roles", str(r["id"]))
	c.emit("organization_role.deleted", r, org)
	return nil, nil
}

// Resources.

func (c *call) resByIDParam(name string) (Object, error) {
	return c.lookup("authorization_resources", "Authorization Resource", c.pathParam(name))
}

func (c *call) resByID() (Object, error) { return c.resByIDParam("resource_id") }

func (c *call) resByExt() (Object, error) {
	org := c.pathParam("organization_id")
	if org == "" {
		if m := c.store.get("organization_memberships", c.pathParam("organization_membership_id")); m != nil {
			org = str(m["organization_id"])
		}
	}
	return c.resourceByExternalID(org, c.pathParam("resource_type_slug"), c.pathParam("external_id"), c.pathParam("resource_type_slug")+"/"+c.pathParam("external_id"))
}

// resourceByExternalID returns org's resource of type typ with external id ext, or
// a 404 naming it as label.
func (c *call) resourceByExternalID(org, typ, ext, label string) (Object, error) {
	r := c.store.find("authorization_resources", where("organization_id", org, "resource_type_slug", typ, "external_id", ext))
	if r == nil {
		return nil, notFound("Authorization Resource", label)
	}
	return r, nil
}

func (c *call) resOut(r Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return public(r), nil
}

// resolveResource finds a resource from {prefix}resource_id or {prefix}resource_external_id +
// {prefix}resource_type_slug in the body. An absent reference returns nil, nil.
func (c *call) resolveResource(org, prefix string) (Object, error) {
	if id := c.bodyString(prefix + "resource_id"); id != "" {
		r, err := c.lookup("authorization_resources", "Authorization Resource", id)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	ext, typ := c.bodyString(prefix+"resource_external_id"), c.bodyString(prefix+"resource_type_slug")
	if prefix == "parent_" && ext == "" {
		ext = c.bodyString("parent_external_id")
	}
	if ext == "" {
		return nil, nil
	}
	return c.resourceByExternalID(org, typ, ext, typ+"/"+ext)
}

func (c *call) resList() (any, error) {
	q := c.queryParam
	org, typ := q("organization_id"), q("resource_type_slug")
	parentExt := q("parent_external_id")
	if parentExt == "" {
		parentExt = q("parent_resource_external_id")
	}
	var parentID string
	if q("parent_resource_id") != "" {
		parentID = q("parent_resource_id")
	} else if parentExt != "" {
		p, err := c.resourceByExternalID(org, q("parent_resource_type_slug"), parentExt, q("parent_resource_type_slug")+"/"+parentExt)
		if err != nil {
			return nil, err
		}
		parentID = str(p["id"])
	}
	items := c.store.filter("authorization_resources", func(o Object) bool {
		return (org == "" || str(o["organization_id"]) == org) && (typ == "" || str(o["resource_type_slug"]) == typ) &&
			(q("resource_external_id") == "" || str(o["external_id"]) == q("resource_external_id")) &&
			(parentID == "" || str(o["parent_resource_id"]) == parentID)
	})
	return c.page(items, nil)
}

func (c *call) resCreate() (any, error) {
	org, typ, ext := c.bodyString("organization_id"), c.bodyString("resource_type_slug"), c.bodyString("external_id")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	rt := c.store.get("resource_types", typ)
	if rt == nil || typ == "organization" {
		return nil, invalid("resource_type_slug", "invalid", fmt.Sprintf("Resource type '%s' does not exist; resource types are configured in the WorkOS dashboard (seed them in the emulator).", typ))
	}
	if c.store.find("authorization_resources", where("organization_id", org, "resource_type_slug", typ, "external_id", ext)) != nil {
		return nil, conflict("authorization_resource_external_id_conflict", fmt.Sprintf("A %s resource with external_id '%s' already exists in organization '%s'.", typ, ext, org))
	}
	parent, err := c.resolveResource(org, "parent_")
	if err != nil {
		return nil, err
	}
	r := c.newObj("authorization_resource", "authz_resource_")
	r["organization_id"], r["resource_type_slug"], r["external_id"], r["name"], r["description"] = org, typ, ext, c.bodyString("name"), nil
	c.copyFields(r, "description")
	r["parent_resource_id"] = nil
	if parent != nil {
		if str(parent["organization_id"]) != org {
			return nil, invalid("parent_resource_id", "invalid", "The parent resource belongs to another organization.")
		}
		r["parent_resource_id"] = parent["id"]
	}
	c.store.put("authorization_resources", r)
	c.emit("authorization_resource.created", r, org)
	return public(r), nil
}

func (c *call) resUpdate(r Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	parent, perr := c.resolveResource(str(r["organization_id"]), "parent_")
	if perr != nil {
		return nil, perr
	}
	if parent != nil {
		for p := parent; p != nil; p = c.store.get("authorization_resources", str(p["parent_resource_id"])) {
			if str(p["id"]) == str(r["id"]) {
				return nil, invalid("parent_resource_id", "invalid", "A resource cannot be its own ancestor.")
			}
		}
		r["parent_resource_id"] = parent["id"]
	}
	c.copyFields(r, "name", "description")
	c.touch(r)
	c.emit("authorization_resource.updated", r, str(r["organization_id"]))
	return public(r), nil
}

func (c *call) resDelete(r Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	children := c.store.filter("authorization_resources", where("parent_resource_id", str(r["id"])))
	if len(children) > 0 && c.queryParam("cascade_delete") != "true" {
		return nil, conflict("resource_has_dependents", fmt.Sprintf("Resource '%s' has %d child resources; pass cascade_delete=true to delete them too.", r["id"], len(children)))
	}
	var del func(Object)
	del = func(x Object) {
		for _, ch := range c.store.filter("authorization_resources", where("parent_resource_id", str(x["id"]))) {
			del(ch)
		}
		for _, kind := range []string{"role_assignments", "group_role_assignments"} {
			for _, ra := range c.store.filter(kind, where("_resource_id", str(x["id"]))) {
				c.store.del(kind, str(ra["id"]))
			}
		}
		c.store.del("authorization_resources", str(x["id"]))
		c.emit("authorization_resource.deleted", x, str(x["organization_id"]))
	}
	del(r)
	return nil, nil
}

// Role assignments and the permission graph.

func (c *call) renderRA(ra Object) any {
	out := public(ra)
	out["role"] = map[string]any{"slug": ra["_role_slug"]}
	out["source"] = map[string]any{"type": "direct", "group_role_assignment_id": nil}
	if r := c.store.get("authorization_resources", str(ra["_resource_id"])); r != nil {
		out["resource"] = map[string]any{"id": r["id"], "external_id": r["external_id"], "resource_type_slug": r["resource_type_slug"]}
	} else if o := c.store.get("organizations", str(ra["_organization_id"])); o != nil {
		ext := str(o["external_id"])
		if ext == "" {
			ext = str(o["id"])
		}
		out["resource"] = map[string]any{"id": o["id"], "external_id": ext, "resource_type_slug": "organization"}
	}
	return out
}

// assignmentTarget resolves the role and resource of an assign/remove body; no resource means the organization.
func (c *call) assignmentTarget(org string) (Object, Object, error) {
	slug := c.bodyString("role_slug")
	role := c.roleFor(org, slug)
	if role == nil {
		return nil, nil, invalid("role_slug", "invalid_role", fmt.Sprintf("Role '%s' does not exist.", slug))
	}
	res, err := c.resolveResource(org, "")
	if err != nil {
		return nil, nil, err
	}
	if res != nil && str(res["organization_id"]) != org {
		return nil, nil, invalid("resource_id", "invalid", "The resource belongs to another organization.")
	}
	if res != nil && str(role["resource_type_slug"]) != "organization" && str(role["resource_type_slug"]) != str(res["resource_type_slug"]) {
		return nil, nil, invalid("role_slug", "invalid_role", fmt.Sprintf("Role '%s' applies to %s resources, not %s.", slug, role["resource_type_slug"], res["resource_type_slug"]))
	}
	return role, res, nil
}

func (c *call) raList() (any, error) {
	m, err := c.membership(c.pathParam("organization_membership_id"))
	if err != nil {
		return nil, err
	}
	var rid string
	if c.queryParam("resource_id") != "" || c.queryParam("resource_external_id") != "" {
		rid = c.queryParam("resource_id")
		if rid == "" {
			r, err := c.resourceByExternalID(str(m["organization_id"]), c.queryParam("resource_type_slug"), c.queryParam("resource_external_id"), c.queryParam("resource_external_id"))
			if err != nil {
				return nil, err
			}
			rid = str(r["id"])
		}
	}
	items := c.store.filter("role_assignments", func(o Object) bool {
		return str(o["organization_membership_id"]) == str(m["id"]) && (rid == "" || str(o["_resource_id"]) == rid)
	})
	return c.page(items, c.renderRA)
}

func (c *call) raAssign() (any, error) {
	m, err := c.membership(c.pathParam("organization_membership_id"))
	if err != nil {
		return nil, err
	}
	a := c.membershipAssignee(str(m["id"]), str(m["organization_id"]))
	ra, err := c.assign(a)
	if err != nil {
		return nil, err
	}
	return a.render(ra), nil
}

func (c *call) raRemoveByCriteria() (any, error) {
	m, err := c.membership(c.pathParam("organization_membership_id"))
	if err != nil {
		return nil, err
	}
	return c.unassign(c.membershipAssignee(str(m["id"]), str(m["organization_id"])))
}

func (c *call) raRemoveByID() (any, error) {
	a := c.membershipAssignee(c.pathParam("organization_membership_id"), "")
	return c.unassignByID(a, c.pathParam("role_assignment_id"))
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
		if contains(strs(g["_members"]), mid) {
			groups = append(groups, str(g["id"]))
		}
	}
	for _, ra := range c.store.filter("role_assignments", where("organization_membership_id", mid)) {
		if contains(anc, str(ra["_resource_id"])) {
			set[str(ra["_role_slug"])] = true
			if r != nil && str(ra["_resource_id"]) == str(r["id"]) {
				direct = true
			}
		}
	}
	for _, ga := range c.store.all("group_role_assignments") {
		if contains(groups, str(ga["_group_id"])) && contains(anc, str(ga["_resource_id"])) {
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
	return map[string]any{"authorized": contains(c.effectivePerms(m, res), c.bodyString("permission_slug"))}, nil
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
		return contains(c.effectivePerms(m, r), perm)
	})
	return c.page(items, nil)
}

func (c *call) membersForResource(r Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	perm, assignment := c.queryParam("permission_slug"), c.queryParam("assignment")
	items := c.store.filter("organization_memberships", func(m Object) bool {
		if str(m["organization_id"]) != str(r["organization_id"]) || !contains(c.effectivePerms(m, r), perm) {
			return false
		}
		if assignment == "direct" {
			return c.store.find("role_assignments", where("organization_membership_id", str(m["id"]), "_resource_id", str(r["id"]))) != nil
		}
		return true
	})
	return c.page(items, c.renderOM)
}

func (c *call) assignmentsForResource(r Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	role := c.queryParam("role_slug")
	items := c.store.filter("role_assignments", func(o Object) bool {
		return str(o["_resource_id"]) == str(r["id"]) && (role == "" || str(o["_role_slug"]) == role)
	})
	return c.page(items, c.renderRA)
}

// Group role assignments.

func (c *call) groupByID(id string) (Object, error) {
	return c.lookup("groups", "Group", id)
}

func (c *call) renderGRA(ga Object) any {
	out := c.renderRA(ga).(map[string]any)
	out["group_id"] = ga["_group_id"]
	return out
}

func (c *call) graList() (any, error) {
	if _, err := c.groupByID(c.pathParam("group_id")); err != nil {
		return nil, err
	}
	return c.page(c.store.filter("group_role_assignments", where("_group_id", c.pathParam("group_id"))), c.renderGRA)
}

// assignee is who role assignments are given to: an organization membership
// (role_assignments) or a group (group_role_assignments). Both kinds share the
// target rules, the duplicate check and the removal paths.
type assignee struct {
	kind     string // the collection
	object   string // the stored objects' "object"
	ownerKey string // the assignment's field naming its owner
	ownerID  string
	org      string
	event    string // the events' prefix
	what     string // the 404's name for an assignment
	// dupCode and dupFormat (role slug, owner id) make the duplicate's 409.
	dupCode, dupFormat string
	render             func(Object) any
}

func (c *call) membershipAssignee(omID, org string) assignee {
	return assignee{kind: "role_assignments", object: "role_assignment", ownerKey: "organization_membership_id", ownerID: omID, org: org,
		event: "role_assignment", what: "Role Assignment", render: c.renderRA,
		dupCode: "duplicate_role_assignment", dupFormat: "Role '%s' is already assigned to '%s' on that resource."}
}

func (c *call) groupAssignee(groupID, org string) assignee {
	return assignee{kind: "group_role_assignments", object: "group_role_assignment", ownerKey: "_group_id", ownerID: groupID, org: org,
		event: "group_role_assignment", what: "Group Role Assignment", render: c.renderGRA,
		dupCode: "duplicate_group_role_assignment", dupFormat: "Role '%s' is already assigned to group '%s' on that resource."}
}

// assignmentFor finds the owner's assignment of the body's role on the body's
// resource (none: the organization); rid is that resource's id ("" for the organization).
func (c *call) assignmentFor(a assignee) (role Object, rid string, existing Object, err error) {
	role, res, err := c.assignmentTarget(a.org)
	if err != nil {
		return nil, "", nil, err
	}
	if res != nil {
		rid = str(res["id"])
	}
	existing = c.store.find(a.kind, where(a.ownerKey, a.ownerID, "_role_slug", str(role["slug"]), "_resource_id", rid))
	return role, rid, existing, nil
}

// assign gives the owner the body's role on the body's resource.
func (c *call) assign(a assignee) (Object, error) {
	role, rid, existing, err := c.assignmentFor(a)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return nil, conflict(a.dupCode, fmt.Sprintf(a.dupFormat, role["slug"], a.ownerID))
	}
	x := c.newObj(a.object, "role_assignment_")
	x[a.ownerKey], x["_role_slug"], x["_resource_id"], x["_organization_id"] = a.ownerID, role["slug"], rid, a.org
	c.store.put(a.kind, x)
	c.emit(a.event+".created", a.render(x), a.org)
	return x, nil
}

// unassign removes the owner's assignment of the body's role on the body's resource.
func (c *call) unassign(a assignee) (any, error) {
	role, _, x, err := c.assignmentFor(a)
	if err != nil {
		return nil, err
	}
	if x == nil {
		return nil, notFound(a.what, str(role["slug"]))
	}
	c.store.del(a.kind, str(x["id"]))
	c.emit(a.event+".deleted", a.render(x), a.org)
	return nil, nil
}

// ownAssignment returns the owner's assignment with id, or a 404.
func (c *call) ownAssignment(a assignee, id string) (Object, error) {
	x := c.store.find(a.kind, where("id", id, a.ownerKey, a.ownerID))
	if x == nil {
		return nil, notFound(a.what, id)
	}
	return x, nil
}

// unassignByID removes the owner's assignment with id.
func (c *call) unassignByID(a assignee, id string) (any, error) {
	x, err := c.ownAssignment(a, id)
	if err != nil {
		return nil, err
	}
	c.store.del(a.kind, str(x["id"]))
	c.emit(a.event+".deleted", a.render(x), str(x["_organization_id"]))
	return nil, nil
}

func (c *call) graCreate() (any, error) {
	g, err := c.groupByID(c.pathParam("group_id"))
	if err != nil {
		return nil, err
	}
	ga, err := c.assign(c.groupAssignee(str(g["id"]), str(g["organization_id"])))
	if err != nil {
		return nil, err
	}
	return c.renderGRA(ga), nil
}

func (c *call) graReplace() (any, error) {
	g, err := c.groupByID(c.pathParam("group_id"))
	if err != nil {
		return nil, err
	}
	for _, ga := range c.store.filter("group_role_assignments", where("_group_id", str(g["id"]))) {
		c.store.del("group_role_assignments", str(ga["id"]))
	}
	list, _ := c.body["role_assignments"].([]any)
	saved := c.body
	var items []Object
	for _, x := range list {
		m, _ := x.(map[string]any)
		c.body = m
		ga, err := c.assign(c.groupAssignee(str(g["id"]), str(g["organization_id"])))
		if err != nil {
			c.body = saved
			return nil, err
		}
		items = append(items, ga)
	}
	c.body = saved
	return c.page(items, c.renderGRA)
}

func (c *call) graRemoveByCriteria() (any, error) {
	g, err := c.groupByID(c.pathParam("group_id"))
	if err != nil {
		return nil, err
	}
	return c.unassign(c.groupAssignee(str(g["id"]), str(g["organization_id"])))
}

func (c *call) graGet() (any, error) {
	ga, err := c.ownAssignment(c.groupAssignee(c.pathParam("group_id"), ""), c.pathParam("role_assignment_id"))
	if err != nil {
		return nil, err
	}
	return c.renderGRA(ga), nil
}

func (c *call) graRemoveByID() (any, error) {
	c.status = http.StatusNoContent
	return c.unassignByID(c.groupAssignee(c.pathParam("group_id"), ""), c.pathParam("role_assignment_id"))
}
