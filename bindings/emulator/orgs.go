package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

func orgHandlers() map[string]handler {
	return map[string]handler{
		"organizations_list":                               (*call).orgList,
		"organizations_create":                             (*call).orgCreate,
		"organizations_get_by_external_id":                 (*call).orgByExternalID,
		"organizations_find":                               (*call).orgGet,
		"organizations_update_organization":                (*call).orgUpdate,
		"organizations_delete_organization":                (*call).orgDelete,
		"organizations_get_audit_log_configuration":        (*call).orgAuditConfig,
		"audit_logs_retention_audit_logs_retention":        (*call).orgRetention,
		"audit_logs_retention_update_audit_logs_retention": (*call).orgRetentionUpdate,
		"organization_domains_create":                      (*call).domainCreate,
		"organization_domains_get":                         (*call).domainGet,
		"organization_domains_delete":                      (*call).domainDelete,
		"organization_domains_verify":                      (*call).domainVerify,
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
				if contains(domains, str(d["domain"])) {
					return true
				}
			}
			return false
		}
		return true
	})
	return c.page(items, c.renderOrg)
}

// domainInputs reads domains / domain_data from the body.
func (c *call) domainInputs() []Object {
	var out []Object
	if dd, ok := c.body["domain_data"].([]any); ok {
		for _, x := range dd {
			if m, ok := x.(map[string]any); ok {
				st := str(m["state"])
				if st == "" {
					st = "pending"
				}
				out = append(out, Object{"domain": strings.ToLower(str(m["domain"])), "state": st})
			}
		}
		return out
	}
	for _, d := range strs(c.body["domains"]) {
		out = append(out, Object{"domain": strings.ToLower(d), "state": "verified"})
	}
	return out
}

func (c *call) domainTaken(domain, exceptOrg string) bool {
	return c.store.find("organization_domains", func(o Object) bool {
		return str(o["domain"]) == domain && str(o["organization_id"]) != exceptOrg
	}) != nil
}

func (c *call) addDomain(orgID, domain, state string) Object {
	d := c.newObj("organization_domain", "org_domain_")
	d["organization_id"] = orgID
	d["domain"] = domain
	d["state"] = state
	d["verification_strategy"] = "dns"
	d["verification_token"] = strings.ToLower(strings.TrimPrefix(str(d["id"]), "org_domain_"))[:20]
	d["verification_prefix"] = "workos-domain-verification"
	if state == "verified" {
		d["verification_strategy"] = "manual"
	}
	c.store.put("organization_domains", d)
	return d
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

func (c *call) orgAuditConfig() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	days := 30
	if n, ok := o["_retention_days"].(float64); ok {
		days = int(n)
	} else if n, ok := o["_retention_days"].(int); ok {
		days = n
	}
	return map[string]any{"organization_id": o["id"], "retention_period_in_days": days, "state": "active", "log_stream": nil}, nil
}

func (c *call) orgRetention() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	days := any(30)
	if v, ok := o["_retention_days"]; ok {
		days = v
	}
	return map[string]any{"retention_period_in_days": days}, nil
}

func (c *call) orgRetentionUpdate() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	d, ok := c.body["retention_period_in_days"].(float64)
	if !ok || (d != 30 && d != 365) {
		return nil, invalid("retention_period_in_days", "invalid", "retention_period_in_days must be 30 or 365.")
	}
	o["_retention_days"] = d
	c.touch(o)
	c.emit("audit_log_retention.updated", Object{"organization_id": o["id"], "retention_period_in_days": d}, str(o["id"]))
	return map[string]any{"retention_period_in_days": d}, nil
}

func (c *call) domainCreate() (any, error) {
	orgID := c.bodyString("organization_id")
	if _, err := c.org(orgID); err != nil {
		return nil, err
	}
	dom := strings.ToLower(c.bodyString("domain"))
	if c.store.find("organization_domains", where("domain", dom)) != nil {
		return nil, conflict("domain_already_exists", fmt.Sprintf("Domain '%s' already exists.", dom))
	}
	d := c.addDomain(orgID, dom, "pending")
	c.emit("organization_domain.created", d, orgID)
	return public(d), nil
}

func (c *call) domainGet() (any, error) {
	return c.getOr404("organization_domains", "Organization Domain", c.pathParam("id"))
}

func (c *call) domainDelete() (any, error) {
	d, err := c.lookup("organization_domains", "Organization Domain", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.store.del("organization_domains", c.pathParam("id"))
	c.emit("organization_domain.deleted", d, str(d["organization_id"]))
	return nil, nil
}

func (c *call) domainVerify() (any, error) {
	d, err := c.lookup("organization_domains", "Organization Domain", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	if d["state"] == "verified" {
		return nil, badRequest("domain_already_verified", fmt.Sprintf("Domain '%s' is already verified.", d["domain"]))
	}
	d["state"] = "verified"
	c.touch(d)
	c.emit("organization_domain.verified", d, str(d["organization_id"]))
	return public(d), nil
}
