package emulator

import (
	"fmt"
	"strings"
	"time"
)

func memberHandlers() map[string]handler {
	return map[string]handler{
		"userland_user_organization_memberships_list":       (*call).omList,
		"userland_user_organization_memberships_create":     (*call).omCreate,
		"userland_user_organization_memberships_get":        (*call).omGet,
		"userland_user_organization_memberships_delete":     (*call).omDelete,
		"userland_user_organization_memberships_update":     (*call).omUpdate,
		"userland_user_organization_memberships_deactivate": func(c *call) (any, error) { return c.omSetStatus("inactive") },
		"userland_user_organization_memberships_reactivate": func(c *call) (any, error) { return c.omSetStatus("active") },
		"userland_user_invites_list":                        (*call).inviteList,
		"userland_user_invites_create":                      (*call).inviteCreate,
		"userland_user_invites_get_by_token":                (*call).inviteByToken,
		"userland_user_invites_get":                         (*call).inviteGet,
		"userland_user_invites_accept":                      (*call).inviteAccept,
		"userland_user_invites_resend":                      (*call).inviteResend,
		"userland_user_invites_revoke":                      (*call).inviteRevoke,
	}
}

func (c *call) membership(id string) (Object, error) {
	return c.lookup("organization_memberships", "Organization Membership", id)
}

// renderOM renders a membership with its organization name, roles and user.
func (c *call) renderOM(m Object) any {
	out := public(m)
	if o := c.store.get("organizations", str(m["organization_id"])); o != nil {
		out["organization_name"] = o["name"]
	}
	slugs := strs(m["_roles"])
	roles := make([]any, 0, len(slugs))
	for _, s := range slugs {
		roles = append(roles, map[string]any{"slug": s})
	}
	if len(slugs) > 0 {
		out["role"] = map[string]any{"slug": slugs[0]}
	}
	out["roles"] = roles
	if u := c.store.get("users", str(m["user_id"])); u != nil {
		out["user"] = public(u)
	}
	return out
}

// roleExists reports whether slug is an environment role or a role of org.
func (c *call) roleExists(org, slug string) bool {
	return c.store.find("roles", func(o Object) bool {
		return str(o["slug"]) == slug && (o["organization_id"] == nil || str(o["organization_id"]) == org)
	}) != nil
}

// roleSlugs reads role_slug / role_slugs (default "member") and checks they exist.
func (c *call) roleSlugs(org string, dflt bool) ([]string, error) {
	var slugs []string
	if s := c.bodyString("role_slug"); s != "" {
		slugs = []string{s}
	} else if c.bodyHas("role_slugs") {
		slugs = strs(c.body["role_slugs"])
	} else if dflt {
		slugs = []string{"member"}
	}
	for _, s := range slugs {
		if !c.roleExists(org, s) {
			return nil, invalid("role_slug", "invalid_role", fmt.Sprintf("Role '%s' does not exist; list roles with authorization_organization_roles_list.", s))
		}
	}
	return slugs, nil
}

func (c *call) omList() (any, error) {
	user, org := c.queryParam("user_id"), c.queryParam("organization_id")
	if user == "" && org == "" {
		return nil, badRequest("missing_user_id_or_organization_id", "Pass user_id or organization_id to list organization memberships.")
	}
	statuses := strs(c.query["statuses"])
	if len(statuses) == 1 {
		statuses = strings.Split(statuses[0], ",")
	}
	items := c.store.filter("organization_memberships", func(o Object) bool {
		return (user == "" || str(o["user_id"]) == user) && (org == "" || str(o["organization_id"]) == org) &&
			(len(statuses) == 0 || contains(statuses, str(o["status"])))
	})
	return c.page(items, c.renderOM)
}

func (c *call) createMembership(userID, orgID string, slugs []string, status string) Object {
	m := c.newObj("organization_membership", "om_")
	m["user_id"], m["organization_id"], m["status"] = userID, orgID, status
	m["_roles"] = toAny(slugs)
	m["directory_managed"] = false
	m["custom_attributes"] = map[string]any{}
	c.store.put("organization_memberships", m)
	c.emit("organization_membership.created", c.renderOM(m), orgID)
	return m
}

func (c *call) omCreate() (any, error) {
	userID, orgID := c.bodyString("user_id"), c.bodyString("organization_id")
	if _, err := c.user(userID); err != nil {
		return nil, err
	}
	if _, err := c.org(orgID); err != nil {
		return nil, err
	}
	if c.store.find("organization_memberships", where("user_id", userID, "organization_id", orgID)) != nil {
		return nil, conflict("organization_membership_already_exists", fmt.Sprintf("User '%s' is already a member of organization '%s'.", userID, orgID))
	}
	slugs, err := c.roleSlugs(orgID, true)
	if err != nil {
		return nil, err
	}
	return c.renderOM(c.createMembership(userID, orgID, slugs, "active")), nil
}

func (c *call) omGet() (any, error) {
	m, err := c.membership(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	return c.renderOM(m), nil
}

func (c *call) omDelete() (any, error) {
	m, err := c.membership(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	r := c.renderOM(m)
	id := str(m["id"])
	c.store.del("organization_memberships", id)
	for _, ra := range c.store.filter("role_assignments", where("organization_membership_id", id)) {
		c.store.del("role_assignments", str(ra["id"]))
	}
	for _, g := range c.store.all("groups") {
		g["_members"] = toAny(remove(strs(g["_members"]), id))
	}
	c.emit("organization_membership.deleted", r, str(m["organization_id"]))
	return nil, nil
}

func remove(ss []string, s string) []string {
	out := ss[:0:0]
	for _, x := range ss {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func (c *call) omUpdate() (any, error) {
	m, err := c.membership(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	slugs, aerr := c.roleSlugs(str(m["organization_id"]), false)
	if aerr != nil {
		return nil, aerr
	}
	if slugs != nil {
		m["_roles"] = toAny(slugs)
	}
	c.touch(m)
	r := c.renderOM(m)
	c.emit("organization_membership.updated", r, str(m["organization_id"]))
	return r, nil
}

func (c *call) omSetStatus(status string) (any, error) {
	m, err := c.membership(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	if m["status"] == "pending" {
		verb := "deactivate"
		if status == "active" {
			verb = "reactivate"
		}
		return nil, badRequest("cannot_"+verb+"_pending_organization_membership", fmt.Sprintf("Organization membership '%s' is pending and cannot be %sd.", m["id"], verb))
	}
	m["status"] = status
	c.touch(m)
	r := c.renderOM(m)
	c.emit("organization_membership.updated", r, str(m["organization_id"]))
	return r, nil
}

// Invitations.

func (c *call) invitation(id string) (Object, error) {
	return c.lookup("invitations", "Invitation", id)
}

// invState returns the invitation's state, expiring it when its time has passed.
func (c *call) renderInvite(i Object) any {
	out := public(i)
	if out["state"] == "pending" {
		if exp, err := time.Parse(time.RFC3339Nano, str(i["expires_at"])); err == nil && c.now.After(exp) {
			out["state"] = "expired"
		}
	}
	return out
}

func (c *call) inviteList() (any, error) {
	org, email := c.queryParam("organization_id"), strings.ToLower(c.queryParam("email"))
	items := c.store.filter("invitations", func(o Object) bool {
		return (org == "" || str(o["organization_id"]) == org) && (email == "" || str(o["email"]) == email)
	})
	return c.page(items, c.renderInvite)
}

func (c *call) inviteCreate() (any, error) {
	email := strings.ToLower(c.bodyString("email"))
	org := c.bodyString("organization_id")
	if org != "" {
		if _, err := c.org(org); err != nil {
			return nil, err
		}
		if u := c.userByEmail(email); u != nil && c.store.find("organization_memberships", where("user_id", str(u["id"]), "organization_id", org)) != nil {
			return nil, badRequest("user_already_organization_member", fmt.Sprintf("'%s' is already a member of organization '%s'.", email, org))
		}
		if c.store.find("invitations", where("email", email, "organization_id", org, "state", "pending")) != nil {
			return nil, badRequest("email_already_invited_to_organization", fmt.Sprintf("'%s' already has a pending invitation to organization '%s'.", email, org))
		}
	} else if c.store.find("invitations", where("email", email, "state", "pending")) != nil {
		return nil, badRequest("email_already_invited", fmt.Sprintf("'%s' already has a pending invitation.", email))
	}
	role := c.bodyString("role_slug")
	if role != "" && !c.roleExists(org, role) {
		return nil, invalid("role_slug", "invalid_role", fmt.Sprintf("Role '%s' does not exist.", role))
	}
	if inv := c.bodyString("inviter_user_id"); inv != "" {
		if _, err := c.user(inv); err != nil {
			return nil, err
		}
	}
	days := 7
	if d, ok := c.body["expires_in_days"].(float64); ok {
		if d < 1 || d > 30 {
			return nil, invalid("expires_in_days", "invalid", "expires_in_days must be between 1 and 30.")
		}
		days = int(d)
	}
	i := c.newObj("invitation", "invitation_")
	tok := token(str(i["id"]))
	i["email"], i["state"], i["token"] = email, "pending", tok
	i["accept_invitation_url"] = "https://auth.example.com/invite?invitation_token=" + tok
	i["expires_at"] = ts(c.now.Add(time.Duration(days) * 24 * time.Hour))
	i["accepted_at"], i["revoked_at"], i["accepted_user_id"] = nil, nil, nil
	i["organization_id"] = nil
	if org != "" {
		i["organization_id"] = org
	}
	i["inviter_user_id"] = nil
	if inv := c.bodyString("inviter_user_id"); inv != "" {
		i["inviter_user_id"] = inv
	}
	i["role_slug"] = nil
	if org != "" {
		if role == "" {
			role = "member"
		}
		i["role_slug"] = role
	}
	c.store.put("invitations", i)
	c.emit("invitation.created", i, org)
	return c.renderInvite(i), nil
}

func (c *call) inviteByToken() (any, error) {
	i := c.store.find("invitations", where("token", c.pathParam("token")))
	if i == nil {
		return nil, notFound("Invitation with token", c.pathParam("token"))
	}
	return c.renderInvite(i), nil
}

func (c *call) inviteGet() (any, error) {
	i, err := c.invitation(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	return c.renderInvite(i), nil
}

func (c *call) pendingInvite() (Object, error) {
	i, err := c.invitation(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	if st := str(c.renderInvite(i).(Object)["state"]); st != "pending" {
		code := map[string]string{"expired": "invite_expired", "revoked": "invite_revoked", "accepted": "invite_accepted"}[st]
		return nil, badRequest(code, fmt.Sprintf("Invitation '%s' is %s, not pending.", i["id"], st))
	}
	return i, nil
}

// acceptInvitation creates the user (if needed) and the membership.
func (c *call) acceptInvitation(i Object) (Object, error) {
	email := str(i["email"])
	u := c.userByEmail(email)
	if u == nil {
		u = c.newUser(email)
		u["email_verified"] = true
		c.store.put("users", u)
		c.emit("user.created", u, "")
	}
	org := str(i["organization_id"])
	if org != "" && c.store.find("organization_memberships", where("user_id", str(u["id"]), "organization_id", org)) == nil {
		role := str(i["role_slug"])
		if role == "" {
			role = "member"
		}
		c.createMembership(str(u["id"]), org, []string{role}, "active")
	}
	i["state"] = "accepted"
	i["accepted_at"] = ts(c.now)
	i["accepted_user_id"] = u["id"]
	c.touch(i)
	c.emit("invitation.accepted", i, org)
	return u, nil
}

func (c *call) inviteAccept() (any, error) {
	i, err := c.pendingInvite()
	if err != nil {
		return nil, err
	}
	if _, err := c.acceptInvitation(i); err != nil {
		return nil, err
	}
	return c.renderInvite(i), nil
}

func (c *call) inviteResend() (any, error) {
	i, err := c.pendingInvite()
	if err != nil {
		return nil, err
	}
	i["expires_at"] = ts(c.now.Add(7 * 24 * time.Hour))
	c.touch(i)
	c.emit("invitation.resent", i, str(i["organization_id"]))
	return c.renderInvite(i), nil
}

func (c *call) inviteRevoke() (any, error) {
	i, err := c.invitation(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	if str(c.renderInvite(i).(Object)["state"]) != "pending" {
		return nil, badRequest("invite_not_pending", fmt.Sprintf("Invitation '%s' is not pending.", i["id"]))
	}
	i["state"] = "revoked"
	i["revoked_at"] = ts(c.now)
	c.touch(i)
	c.emit("invitation.revoked", i, str(i["organization_id"]))
	return c.renderInvite(i), nil
}
