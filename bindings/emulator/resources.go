package emulator

import "fmt"

// resourceHandlers are the handlers of authorization resources.
func resourceHandlers() map[string]handler {
	return map[string]handler{
		"authorization_resources_list":                                 (*call).resList,
		"authorization_resources_create":                               (*call).resCreate,
		"authorization_resources_find_by_id":                           func(c *call) (any, error) { return c.resOut(c.resByID()) },
		"authorization_resources_update":                               func(c *call) (any, error) { return c.resUpdate(c.resByID()) },
		"authorization_resources_delete":                               func(c *call) (any, error) { return c.resDelete(c.resByID()) },
		"authorization_resources_by_external_id_get_by_external_id":    func(c *call) (any, error) { return c.resOut(c.resByExt()) },
		"authorization_resources_by_external_id_update_by_external_id": func(c *call) (any, error) { return c.resUpdate(c.resByExt()) },
		"authorization_resources_by_external_id_delete_by_external_id": func(c *call) (any, error) { return c.resDelete(c.resByExt()) },
	}
}

// bodyResourceType returns the body's resource_type_slug (default "organization"),
// or a 422 when no such resource type exists.
func (c *call) bodyResourceType() (string, error) {
	rt := c.bodyString("resource_type_slug")
	if rt == "" {
		rt = "organization"
	}
	if c.store.get("resource_types", rt) == nil {
		return "", invalid("resource_type_slug", "invalid", fmt.Sprintf("Resource type '%s' does not exist.", rt))
	}
	return rt, nil
}

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
