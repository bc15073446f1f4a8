package emulator

import "fmt"

// permissionHandlers are the handlers of permissions.
func permissionHandlers() map[string]handler {
	return map[string]handler{
		"authorization_permissions_list":   (*call).permList,
		"authorization_permissions_create": (*call).permCreate,
		"authorization_permissions_find":   (*call).permFind,
		"authorization_permissions_update": (*call).permUpdate,
		"authorization_permissions_delete": (*call).permDelete,
	}
}

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
	rt, err := c.bodyResourceType()
	if err != nil {
		return nil, err
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
