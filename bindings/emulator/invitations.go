package emulator

import (
	"fmt"
	"strings"
	"time"
)

// invitationHandlers are the handlers of invitations.
func invitationHandlers() map[string]handler {
	return map[string]handler{
		"userland_user_invites_list":         (*call).inviteList,
		"userland_user_invites_create":       (*call).inviteCreate,
		"userland_user_invites_get_by_token": (*call).inviteByToken,
		"userland_user_invites_get":          (*call).inviteGet,
		"userland_user_invites_accept":       (*call).inviteAccept,
		"userland_user_invites_resend":       (*call).inviteResend,
		"userland_user_invites_revoke":       (*call).inviteRevoke,
	}
}

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
	if aerr := checkEmail("email", c.bodyString("email")); aerr != nil {
		return nil, aerr
	}
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
