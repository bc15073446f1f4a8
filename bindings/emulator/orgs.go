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
	for _, d := range c.st.filter("organization_domains", where("organization_id", str(o["id"]))) {
		doms = append(doms, public(d))
	}
	if doms == nil {
		doms = []any{}
	}
	out["domains"] = doms
	return out
}

// org returns the organization with id or a 404.
func (c *call) org(id string) (Object, *apiError) {
	o := c.st.get("organizations", id)
	if o == nil {
		return nil, notFound("Organization", id)
	}
	return o, nil
}

func (c *call) orgList() any {
	domains := strs(c.q["domains"])
	if len(domains) == 1 && strings.Contains(domains[0], ",") {
		domains = strings.Split(domains[0], ",")
	}
	search := strings.ToLower(c.q.Get("search"))
	items := c.st.filter("organizations", func(o Object) bool {
		if search != "" && !strings.Contains(strings.ToLower(str(o["name"])), search) {
			return false
		}
		if len(domains) > 0 {
			for _, d := range c.st.filter("organization_domains", where("organization_id", str(o["id"]))) {
				if contains(domains, str(d["domain"])) {
					return true
				}
			}
			return false
		}
		return true
	})
	out, err := c.page(items, c.renderOrg)
	if err != nil {
		return err
	}
	return out
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
	return c.st.find("organization_domains", func(o Object) bool {
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
	c.st.put("organization_domains", d)
	return d
}

func (c *call) orgCreate() any {
	if ext := c.s("external_id"); ext != "" {
		if c.st.find("organizations", where("external_id", ext)) != nil {
			return badRequest("external_id_already_used", fmt.Sprintf("An organization with external_id '%s' already exists.", ext))
		}
	}
	doms := c.domainInputs()
	for _, d := range doms {
		if c.domainTaken(str(d["domain"]), "") {
			return conflict("domain_already_exists", fmt.Sprintf("Domain '%s' is already used by another organization.", d["domain"]))
		}
	}
	o := c.newObj("organization", "org_")
	o["name"] = c.s("name")
	o["allow_profiles_outside_organization"] = c.b("allow_profiles_outside_organization")
	o["external_id"] = nil
	o["metadata"] = map[string]any{}
	c.copyFields(o, "external_id", "metadata", "stripe_customer_id")
	if o["metadata"] == nil {
		o["metadata"] = map[string]any{}
	}
	c.st.put("organizations", o)
	for _, d := range doms {
		nd := c.addDomain(str(o["id"]), str(d["domain"]), str(d["state"]))
		c.emit("organization_domain.created", nd, str(o["id"]))
	}
	r := c.renderOrg(o)
	c.emit("organization.created", r, str(o["id"]))
	return r
}

func (c *call) orgByExternalID() any {
	ext := c.p("external_id")
	o := c.st.find("organizations", where("external_id", ext))
	if o == nil {
		return notFound("Organization with external_id", ext)
	}
	return c.renderOrg(o)
}

func (c *call) orgGet() any {
	o, err := c.org(c.p("id"))
	if err != nil {
		return err
	}
	return c.renderOrg(o)
}

func (c *call) orgUpdate() any {
	o, err := c.org(c.p("id"))
	if err != nil {
		return err
	}
	id := str(o["id"])
	if ext := c.s("external_id"); ext != "" {
		if other := c.st.find("organizations", where("external_id", ext)); other != nil && str(other["id"]) != id {
			return badRequest("external_id_already_used", fmt.Sprintf("An organization with external_id '%s' already exists.", ext))
		}
	}
	if c.has("domains") || c.has("domain_data") {
		doms := c.domainInputs()
		for _, d := range doms {
			if c.domainTaken(str(d["domain"]), id) {
				return conflict("domain_already_exists", fmt.Sprintf("Domain '%s' is already used by another organization.", d["domain"]))
			}
		}
		keep := map[string]bool{}
		for _, d := range doms {
			keep[str(d["domain"])] = true
			if existing := c.st.find("organization_domains", where("organization_id", id, "domain", str(d["domain"]))); existing == nil {
				c.addDomain(id, str(d["domain"]), str(d["state"]))
			}
		}
		for _, d := range c.st.filter("organization_domains", where("organization_id", id)) {
			if !keep[str(d["domain"])] {
				c.st.del("organization_domains", str(d["id"]))
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
	return r
}

func (c *call) orgDelete() any {
	o, err := c.org(c.p("id"))
	if err != nil {
		return err
	}
	id := str(o["id"])
	r := c.renderOrg(o)
	c.st.del("organizations", id)
	for _, kind := range []string{"organization_domains", "organization_memberships", "invitations", "roles", "authorization_resources", "groups", "api_keys"} {
		for _, x := range c.st.filter(kind, where("organization_id", id)) {
			c.st.del(kind, str(x["id"]))
		}
	}
	c.emit("organization.deleted", r, id)
	c.status = http.StatusAccepted
	return nil
}

func (c *call) orgAuditConfig() any {
	o, err := c.org(c.p("id"))
	if err != nil {
		return err
	}
	days := 30
	if n, ok := o["_retention_days"].(float64); ok {
		days = int(n)
	} else if n, ok := o["_retention_days"].(int); ok {
		days = n
	}
	return map[string]any{"organization_id": o["id"], "retention_period_in_days": days, "state": "active", "log_stream": nil}
}

func (c *call) orgRetention() any {
	o, err := c.org(c.p("id"))
	if err != nil {
		return err
	}
	days := any(30)
	if v, ok := o["_retention_days"]; ok {
		days = v
	}
	return map[string]any{"retention_period_in_days": days}
}

func (c *call) orgRetentionUpdate() any {
	o, err := c.org(c.p("id"))
	if err != nil {
		return err
	}
	d, ok := c.body["retention_period_in_days"].(float64)
	if !ok || (d != 30 && d != 365) {
		return invalid("retention_period_in_days", "invalid", "retention_period_in_days must be 30 or 365.")
	}
	o["_retention_days"] = d
	c.touch(o)
	c.emit("audit_log_retention.updated", Object{"organization_id": o["id"], "retention_period_in_days": d}, str(o["id"]))
	return map[string]any{"retention_period_in_days": d}
}

func (c *call) domainCreate() any {
	orgID := c.s("organization_id")
	if _, err := c.org(orgID); err != nil {
		return err
	}
	dom := strings.ToLower(c.s("domain"))
	if c.st.find("organization_domains", where("domain", dom)) != nil {
		return conflict("domain_already_exists", fmt.Sprintf("Domain '%s' already exists.", dom))
	}
	d := c.addDomain(orgID, dom, "pending")
	c.emit("organization_domain.created", d, orgID)
	return public(d)
}

func (c *call) domainGet() any {
	d := c.st.get("organization_domains", c.p("id"))
	if d == nil {
		return notFound("Organization Domain", c.p("id"))
	}
	return public(d)
}

func (c *call) domainDelete() any {
	d := c.st.get("organization_domains", c.p("id"))
	if d == nil {
		return notFound("Organization Domain", c.p("id"))
	}
	c.st.del("organization_domains", c.p("id"))
	c.emit("organization_domain.deleted", d, str(d["organization_id"]))
	return nil
}

func (c *call) domainVerify() any {
	d := c.st.get("organization_domains", c.p("id"))
	if d == nil {
		return notFound("Organization Domain", c.p("id"))
	}
	if d["state"] == "verified" {
		return badRequest("domain_already_verified", fmt.Sprintf("Domain '%s' is already verified.", d["domain"]))
	}
	d["state"] = "verified"
	c.touch(d)
	c.emit("organization_domain.verified", d, str(d["organization_id"]))
	return public(d)
}
