package emulator

import (
	"fmt"
	"net/http"
)

// roleAssignmentHandlers are the handlers of role assignments of memberships and
// groups.
func roleAssignmentHandlers() map[string]handler {
	return map[string]handler{
		"authorization_role_assignments_list_role_assignments_for_resource": func(c *call) (any, error) { return c.assignmentsForResource(c.resByID()) },
		"authorization_role_assignments_list_role_assignments_for_resource_by_external_id": func(c *call) (any, error) {
			return c.assignmentsForResource(c.resByExt())
		},
		"authorization_role_assignments_list_role_assignments":                (*call).raList,
		"authorization_role_assignments_assign_role":                          (*call).raAssign,
		"authorization_role_assignments_remove_role_by_criteria":              (*call).raRemoveByCriteria,
		"authorization_role_assignments_remove_role_by_id":                    (*call).raRemoveByID,
		"authorization_group_role_assignments_list":                           (*call).graList,
		"authorization_group_role_assignments_create":                         (*call).graCreate,
		"authorization_group_role_assignments_replace_group_role_assignments": (*call).graReplace,
		"authorization_group_role_assignments_remove_group_role_assignments":  (*call).graRemoveByCriteria,
		"authorization_group_role_assignments_get":                            (*call).graGet,
		"authorization_group_role_assignments_remove_group_role_assignment":   (*call).graRemoveByID,
	}
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
