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
	r := c.findRole(org, c.pathParam("slug"))
	if r == nil {
		return nil, notFound("Role", c.pathParam("slug"))
	}
	return public(r), nil
}

func (c *call) roleUpdate(org string) (any, error) {
	r := c.findRole(org, c.pathParam("slug"))
	if r == nil {
		return nil, notFound("Role", c.pathParam("slug"))
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
	r := c.findRole(org, c.pathParam("slug"))
	if r == nil {
		return nil, notFound("Role", c.pathParam("slug"))
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
	r := c.findRole(org, c.pathParam("slug"))
	if r == nil {
		return nil, notFound("Role", c.pathParam("slug"))
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
	r := c.store.get("authorization_resources", c.pathParam(name))
	if r == nil {
		return nil, notFound("Authorization Resource", c.pathParam(name))
	}
	return r, nil
}

func (c *call) resByID() (Object, error) { return c.resByIDParam("resource_id") }

func (c *call) resByExt() (Object, error) {
	org := c.pathParam("organization_id")
	if org == "" {
		if m := c.store.get("organization_memberships", c.pathParam("organization_membership_id")); m != nil {
			org = str(m["organization_id"])
		}
	}
	r := c.store.find("authorization_resources", where("organization_id", org, "resource_type_slug", c.pathParam("resource_type_slug"), "external_id", c.pathParam("external_id")))
	if r == nil {
		return nil, notFound("Authorization Resource", c.pathParam("resource_type_slug")+"/"+c.pathParam("external_id"))
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
		r := c.store.get("authorization_resources", id)
		if r == nil {
			return nil, notFound("Authorization Resource", id)
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
	r := c.store.find("authorization_resources", where("organization_id", org, "resource_type_slug", typ, "external_id", ext))
	if r == nil {
		return nil, notFound("Authorization Resource", typ+"/"+ext)
	}
	return r, nil
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
		p := c.store.find("authorization_resources", where("organization_id", org, "resource_type_slug", q("parent_resource_type_slug"), "external_id", parentExt))
		if p == nil {
			return nil, notFound("Authorization Resource", q("parent_resource_type_slug")+"/"+parentExt)
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
			r := c.store.find("authorization_resources", where("organization_id", str(m["organization_id"]), "resource_type_slug", c.queryParam("resource_type_slug"), "external_id", c.queryParam("resource_external_id")))
			if r == nil {
				return nil, notFound("Authorization Resource", c.queryParam("resource_external_id"))
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
	org := str(m["organization_id"])
	role, res, err := c.assignmentTarget(org)
	if err != nil {
		return nil, err
	}
	rid := ""
	if res != nil {
		rid = str(res["id"])
	}
	if c.store.find("role_assignments", where("organization_membership_id", str(m["id"]), "_role_slug", str(role["slug"]), "_resource_id", rid)) != nil {
		return nil, conflict("duplicate_role_assignment", fmt.Sprintf("Role '%s' is already assigned to '%s' on that resource.", role["slug"], m["id"]))
	}
	ra := c.newObj("role_assignment", "role_assignment_")
	ra["organization_membership_id"], ra["_role_slug"], ra["_resource_id"], ra["_organization_id"] = m["id"], role["slug"], rid, org
	c.store.put("role_assignments", ra)
	out := c.renderRA(ra)
	c.emit("role_assignment.created", out, org)
	return out, nil
}

func (c *call) raRemoveByCriteria() (any, error) {
	m, err := c.membership(c.pathParam("organization_membership_id"))
	if err != nil {
		return nil, err
	}
	role, res, err := c.assignmentTarget(str(m["organization_id"]))
	if err != nil {
		return nil, err
	}
	rid := ""
	if res != nil {
		rid = str(res["id"])
	}
	ra := c.store.find("role_assignments", where("organization_membership_id", str(m["id"]), "_role_slug", str(role["slug"]), "_resource_id", rid))
	if ra == nil {
		return nil, notFound("Role Assignment", str(role["slug"]))
	}
	c.store.del("role_assignments", str(ra["id"]))
	c.emit("role_assignment.deleted", c.renderRA(ra), str(m["organization_id"]))
	return nil, nil
}

func (c *call) raRemoveByID() (any, error) {
	ra := c.store.find("role_assignments", where("id", c.pathParam("role_assignment_id"), "organization_membership_id", c.pathParam("organization_membership_id")))
	if ra == nil {
		return nil, notFound("Role Assignment", c.pathParam("role_assignment_id"))
	}
	c.store.del("role_assignments", str(ra["id"]))
	c.emit("role_assignment.deleted", c.renderRA(ra), str(ra["_organization_id"]))
	return nil, nil
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
		p := c.store.find("authorization_resources", where("organization_id", org, "resource_type_slug", c.queryParam("parent_resource_type_slug"), "external_id", ext))
		if p == nil {
			return nil, notFound("Authorization Resource", ext)
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
	g := c.store.get("groups", id)
	if g == nil {
		return nil, notFound("Group", id)
	}
	return g, nil
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

func (c *call) addGRA(g Object) (Object, error) {
	role, res, err := c.assignmentTarget(str(g["organization_id"]))
	if err != nil {
		return nil, err
	}
	rid := ""
	if res != nil {
		rid = str(res["id"])
	}
	if c.store.find("group_role_assignments", where("_group_id", str(g["id"]), "_role_slug", str(role["slug"]), "_resource_id", rid)) != nil {
		return nil, conflict("duplicate_group_role_assignment", fmt.Sprintf("Role '%s' is already assigned to group '%s' on that resource.", role["slug"], g["id"]))
	}
	ga := c.newObj("group_role_assignment", "role_assignment_")
	ga["_group_id"], ga["_role_slug"], ga["_resource_id"], ga["_organization_id"] = g["id"], role["slug"], rid, g["organization_id"]
	c.store.put("group_role_assignments", ga)
	c.emit("group_role_assignment.created", c.renderGRA(ga), str(g["organization_id"]))
	return ga, nil
}

func (c *call) graCreate() (any, error) {
	g, err := c.groupByID(c.pathParam("group_id"))
	if err != nil {
		return nil, err
	}
	ga, err := c.addGRA(g)
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
		ga, err := c.addGRA(g)
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
	role, res, err := c.assignmentTarget(str(g["organization_id"]))
	if err != nil {
		return nil, err
	}
	rid := ""
	if res != nil {
		rid = str(res["id"])
	}
	ga := c.store.find("group_role_assignments", where("_group_id", str(g["id"]), "_role_slug", str(role["slug"]), "_resource_id", rid))
	if ga == nil {
		return nil, notFound("Group Role Assignment", str(role["slug"]))
	}
	c.store.del("group_role_assignments", str(ga["id"]))
	c.emit("group_role_assignment.deleted", c.renderGRA(ga), str(g["organization_id"]))
	return nil, nil
}

func (c *call) graGet() (any, error) {
	ga := c.store.find("group_role_assignments", where("id", c.pathParam("role_assignment_id"), "_group_id", c.pathParam("group_id")))
	if ga == nil {
		return nil, notFound("Group Role Assignment", c.pathParam("role_assignment_id"))
	}
	return c.renderGRA(ga), nil
}

func (c *call) graRemoveByID() (any, error) {
	ga := c.store.find("group_role_assignments", where("id", c.pathParam("role_assignment_id"), "_group_id", c.pathParam("group_id")))
	if ga == nil {
		return nil, notFound("Group Role Assignment", c.pathParam("role_assignment_id"))
	}
	c.store.del("group_role_assignments", str(ga["id"]))
	c.emit("group_role_assignment.deleted", c.renderGRA(ga), str(ga["_organization_id"]))
	c.status = http.StatusNoContent
	return nil, nil
}
