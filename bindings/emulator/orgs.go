package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// organizationHandlers are the handlers of organizations.
func organizationHandlers() map[string]handler {
	return map[string]handler{
		"organizations_list":                (*call).orgList,
		"organizations_create":              (*call).orgCreate,
		"organizations_get_by_external_id":  (*call).orgByExternalID,
		"organizations_find":                (*call).orgGet,
		"organizations_update_organization": (*call).orgUpdate,
		"organizations_delete_organization": (*call).orgDelete,
	}
}

func (c *call) renderOrg(o Object) any {
	out := public(o)
	var doms []any
	for _, d := range c.store.filter("organization_domains", where("organization_id", str(o["id"]))) {
		doms = append(doms, public(d))
	}
	if doms == nil {
		doms = []any{}
	}
	out["domains"] = doms
	return out
}

// org returns the organization with id or a 404.
func (c *call) org(id string) (Object, error) {
	return c.lookup("organizations", "Organization", id)
}

func (c *call) orgList() (any, error) {
	domains := strs(c.query["domains"])
	if len(domains) == 1 && strings.Contains(domains[0], ",") {
		domains = strings.Split(domains[0], ",")
	}
	search := strings.ToLower(c.queryParam("search"))
	items := c.store.filter("organizations", func(o Object) bool {
		if search != "" && !strings.Contains(strings.ToLower(str(o["name"])), search) {
			return false
		}
		if len(domains) > 0 {
			for _, d := range c.store.filter("organization_domains", where("organization_id", str(o["id"]))) {
				if slices.Contains(domains, str(d["domain"])) {
					return true
				}
			}
			return false
		}
		return true
	})
	return c.page(items, c.renderOrg)
}

func (c *call) orgCreate() (any, error) {
	if ext := c.bodyString("external_id"); ext != "" {
		if c.store.find("organizations", where("external_id", ext)) != nil {
			return nil, badRequest("external_id_already_used", fmt.Sprintf("An organization with external_id '%s' already exists.", ext))
		}
	}
	doms := c.domainInputs()
	for _, d := range doms {
		if c.domainTaken(str(d["domain"]), "") {
			return nil, conflict("domain_already_exists", fmt.Sprintf("Domain '%s' is already used by another organization.", d["domain"]))
		}
	}
	o := c.newObj("organization", "org_")
	o["name"] = c.bodyString("name")
	o["allow_profiles_outside_organization"] = c.bodyBool("allow_profiles_outside_organization")
	o["external_id"] = nil
	o["metadata"] = map[string]any{}
	c.copyFields(o, "external_id", "metadata", "stripe_customer_id")
	if o["metadata"] == nil {
		o["metadata"] = map[string]any{}
	}
	c.store.put("organizations", o)
	for _, d := range doms {
		nd := c.addDomain(str(o["id"]), str(d["domain"]), str(d["state"]))
		c.emit("organization_domain.created", nd, str(o["id"]))
	}
	r := c.renderOrg(o)
	c.emit("organization.created", r, str(o["id"]))
	return r, nil
}

func (c *call) orgByExternalID() (any, error) {
	ext := c.pathParam("external_id")
	o := c.store.find("organizations", where("external_id", ext))
	if o == nil {
		return nil, notFound("Organization with external_id", ext)
	}
	return c.renderOrg(o), nil
}

func (c *call) orgGet() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	return c.renderOrg(o), nil
}

func (c *call) orgUpdate() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	id := str(o["id"])
	if ext := c.bodyString("external_id"); ext != "" {
		if other := c.store.find("organizations", where("external_id", ext)); other != nil && str(other["id"]) != id {
			return nil, badRequest("external_id_already_used", fmt.Sprintf("An organization with external_id '%s' already exists.", ext))
		}
	}
	if c.bodyHas("domains") || c.bodyHas("domain_data") {
		doms := c.domainInputs()
		for _, d := range doms {
			if c.domainTaken(str(d["domain"]), id) {
				return nil, conflict("domain_already_exists", fmt.Sprintf("Domain '%s' is already used by another organization.", d["domain"]))
			}
		}
		keep := map[string]bool{}
		for _, d := range doms {
			keep[str(d["domain"])] = true
			if existing := c.store.find("organization_domains", where("organization_id", id, "domain", str(d["domain"]))); existing == nil {
				c.addDomain(id, str(d["domain"]), str(d["state"]))
			}
		}
		for _, d := range c.store.filter("organization_domains", where("organization_id", id)) {
			if !keep[str(d["domain"])] {
				c.store.del("organization_domains", str(d["id"]))
			}
		}
	}
	c.copyFields(o, "name", "external_id", "metadata", "stripe_customer_id", "allow_profiles_outside_organization")
	if o["metadata"] == nil {
		o["metadata"] = map[string]any{}
	}
	c.touch(o)
	r := c.renderOrg(o)
	c.emit("organization.updated", r, id)
	return r, nil
}

func (c *call) orgDelete() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	id := str(o["id"])
	r := c.renderOrg(o)
	c.store.del("organizations", id)
	for _, kind := range []string{"organization_domains", "organization_memberships", "invitations", "roles", "authorization_resources", "groups", "api_keys"} {
		for _, x := range c.store.filter(kind, where("organization_id", id)) {
			c.store.del(kind, str(x["id"]))
		}
	}
	c.emit("organization.deleted", r, id)
	c.status = http.StatusAccepted
	return nil, nil
}
