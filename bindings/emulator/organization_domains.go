package emulator

import (
	"fmt"
	"strings"
)

// organizationDomainHandlers are the handlers of organization domains.
func organizationDomainHandlers() map[string]handler {
	return map[string]handler{
		"organization_domains_create": (*call).domainCreate,
		"organization_domains_get":    (*call).domainGet,
		"organization_domains_delete": (*call).domainDelete,
		"organization_domains_verify": (*call).domainVerify,
	}
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
