package emulator

import (
	"fmt"
	"slices"
	"strings"
)

// roleHandlers are the handlers of environment and organization roles and their
// permissions.
func roleHandlers() map[string]handler {
	return map[string]handler{
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
	}
}

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

// roleExists reports whether slug is an environment role or a role of org.
func (c *call) roleExists(org, slug string) bool {
	return c.store.find("roles", func(o Object) bool {
		return str(o["slug"]) == slug && (o["organization_id"] == nil || str(o["organization_id"]) == org)
	}) != nil
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
	rt, err := c.bodyResourceType()
	if err != nil {
		return nil, err
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

// roleList is the non-paginated {object:"list", data} shape of role lists.
func roleList(data []any) map[string]any {
	return map[string]any{"object": "list", "data": data}
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
		if s := c.bodyString("slug"); !slices.Contains(perms, s) {
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
		if slices.Contains(strs(m["_roles"]), slug) {
			return nil, conflict("role_has_assignments", fmt.Sprintf("Role '%s' is assigned to organization membership '%s'; reassign it first.", slug, m["id"]))
		}
	}
	c.store.del("roles", str(r["id"]))
	c.emit("organization_role.deleted", r, org)
	return nil, nil
}
