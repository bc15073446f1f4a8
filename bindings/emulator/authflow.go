package emulator

import (
	"fmt"
	"net/http"
	"time"
)

// The grants that continue a pending authentication or poll a device code.
const (
	grantMFATOTP      = "urn:workos:oauth:grant-type:mfa-totp"
	grantOrgSelection = "urn:workos:oauth:grant-type:organization-selection"
	grantDeviceCode   = "urn:ietf:params:oauth:grant-type:device_code"
)

// pendingTTL is how long a pending_authentication_token stays valid.
const pendingTTL = 10 * time.Minute

// finishAuth runs the steps after a grant has identified the user: MFA (when mfa
// is set and the user has a verified TOTP factor), the invitation (invTok, accepted
// only once MFA is passed), organization selection (more than one active membership
// and no organization chosen), then the session and its tokens.
func (c *call) finishAuth(u Object, method, org, invTok string, mfa bool) (any, error) {
	uid := str(u["id"])
	if mfa {
		var factors []any
		for _, f := range c.store.filter("authentication_factors", where("user_id", uid, "type", "totp")) {
			if f["_verified"] == true {
				factors = append(factors, map[string]any{"id": f["id"], "type": f["type"]})
			}
		}
		if len(factors) > 0 {
			e := c.pending(http.StatusForbidden, "mfa_challenge", "The user must complete an MFA challenge to finish authenticating.", u, method, org)
			c.store.Singletons["pending_auth_"+str(e.extra["pending_authentication_token"])]["invitation_token"] = invTok
			e.with("authentication_factors", factors)
			return nil, e
		}
	}
	if invTok != "" {
		if i := c.store.find("invitations", where("token", invTok, "state", "pending")); i != nil {
			if _, err := c.acceptInvitation(i); err != nil {
				return nil, err
			}
			if org == "" {
				org = str(i["organization_id"])
			}
		}
	}
	if org == "" {
		ms := c.store.filter("organization_memberships", where("user_id", uid, "status", "active"))
		switch {
		case len(ms) == 1:
			org = str(ms[0]["organization_id"])
		case len(ms) > 1:
			orgs := make([]any, 0, len(ms))
			for _, m := range ms {
				name := ""
				if o := c.store.get("organizations", str(m["organization_id"])); o != nil {
					name = str(o["name"])
				}
				orgs = append(orgs, map[string]any{"id": m["organization_id"], "name": name})
			}
			e := c.pending(http.StatusForbidden, "organization_selection_required", "The user must choose an organization to finish their authentication.", u, method, "")
			e.with("organizations", orgs)
			return nil, e
		}
	} else if c.store.find("organization_memberships", where("user_id", uid, "organization_id", org, "status", "active")) == nil {
		return nil, errBody(http.StatusBadRequest, "invalid_organization_id", fmt.Sprintf("User '%s' is not an active member of organization '%s'; pass the id of one of the user's organizations.", uid, org))
	}
	u["last_sign_in_at"] = ts(c.now)
	s := c.newObj("session", "session_")
	s["user_id"], s["organization_id"], s["status"] = u["id"], nil, "active"
	if org != "" {
		s["organization_id"] = org
	}
	s["auth_method"] = map[string]string{"Password": "password", "MagicAuth": "magic_code", "SSO": "sso"}[method]
	s["ip_address"], s["user_agent"] = c.bodyString("ip_address"), c.bodyString("user_agent")
	s["expires_at"], s["ended_at"], s["impersonator"] = ts(c.now.Add(30*24*time.Hour)), nil, nil
	s["_method"] = method
	c.store.put("sessions", s)
	c.emit("session.created", s, org)
	return c.issueTokens(u, s, org, method), nil
}

// pending stores a pending authentication (kind = the error code) and returns the
// 403 that hands its token to the client, with the user.
func (c *call) pending(status int, kind, msg string, u Object, method, org string) *apiError {
	tok := token(c.store.newID("pending_auth_", c.now))
	c.store.Singletons["pending_auth_"+tok] = Object{"kind": kind, "user_id": u["id"], "method": method,
		"organization_id": org, "expires_at": ts(c.now.Add(pendingTTL))}
	c.store.dirty = true
	e := errBody(status, kind, msg)
	e.with("pending_authentication_token", tok)
	e.with("user", public(u))
	return e
}

// takePending returns the pending authentication of the body's token if it is of
// kind and unexpired, with its user.
func (c *call) takePending(kind string) (Object, Object, error) {
	tok := c.bodyString("pending_authentication_token")
	p := c.store.Singletons["pending_auth_"+tok]
	bad := func(why string) (Object, Object, error) {
		return nil, nil, badRequest("invalid_pending_authentication_token", "The pending_authentication_token "+why+"; authenticate again to get a new one.")
	}
	if tok == "" || p == nil {
		return bad("is unknown or was already used")
	}
	if str(p["kind"]) != kind {
		return bad(fmt.Sprintf("belongs to a %s step, not to this grant", p["kind"]))
	}
	if exp, err := time.Parse(time.RFC3339Nano, str(p["expires_at"])); err == nil && c.now.After(exp) {
		delete(c.store.Singletons, "pending_auth_"+tok)
		c.store.dirty = true
		return bad("has expired")
	}
	u := c.store.get("users", str(p["user_id"]))
	if u == nil {
		return bad("belongs to a user that no longer exists")
	}
	return p, u, nil
}

// mfaTOTPGrant completes an mfa_challenge: the pending token, a challenge of one of
// the user's factors and its current code.
func (c *call) mfaTOTPGrant() (any, error) {
	p, u, err := c.takePending("mfa_challenge")
	if err != nil {
		return nil, err
	}
	id := c.bodyString("authentication_challenge_id")
	ch := c.store.get("authentication_challenges", id)
	if ch == nil {
		return nil, badRequest("invalid_one_time_code", fmt.Sprintf("Authentication challenge '%s' not found; create one with authentication_factors_challenge on one of the factors listed in the mfa_challenge error.", id))
	}
	f := c.store.get("authentication_factors", str(ch["authentication_factor_id"]))
	if f == nil || str(f["user_id"]) != str(u["id"]) {
		return nil, badRequest("user_mismatch", fmt.Sprintf("Authentication challenge '%s' belongs to another user's factor; challenge one of the factors listed in the mfa_challenge error.", id))
	}
	if ch["_used"] == true {
		return nil, badRequest("one_time_code_previously_used", "This challenge was already completed; create a new challenge.")
	}
	if exp, perr := time.Parse(time.RFC3339Nano, str(ch["expires_at"])); perr == nil && c.now.After(exp) {
		return nil, badRequest("one_time_code_expired", "The challenge has expired; create a new challenge.")
	}
	attempts, _ := ch["_attempts"].(float64)
	if attempts >= 5 {
		return nil, badRequest("one_time_code_too_many_attempts", "Too many wrong codes for this challenge; create a new challenge.")
	}
	if !c.codeMatches(f, ch, c.bodyString("code")) {
		ch["_attempts"] = attempts + 1
		c.store.dirty = true
		c.emit("authentication.mfa_failed", Object{"type": "mfa", "status": "failed", "user_id": u["id"], "ip_address": c.bodyString("ip_address"), "user_agent": c.bodyString("user_agent")}, "")
		return nil, badRequest("invalid_one_time_code", "The code is not the factor's current TOTP code.")
	}
	ch["_used"], f["_verified"] = true, true
	delete(c.store.Singletons, "pending_auth_"+c.bodyString("pending_authentication_token"))
	c.emit("authentication.mfa_succeeded", Object{"type": "mfa", "status": "succeeded", "user_id": u["id"], "ip_address": c.bodyString("ip_address"), "user_agent": c.bodyString("user_agent")}, "")
	return c.finishAuth(u, str(p["method"]), str(p["organization_id"]), str(p["invitation_token"]), false)
}

// orgSelectionGrant completes an organization_selection_required with one of the
// user's organizations. A wrong organization keeps the token usable.
func (c *call) orgSelectionGrant() (any, error) {
	p, u, err := c.takePending("organization_selection_required")
	if err != nil {
		return nil, err
	}
	org := c.bodyString("organization_id")
	if c.store.find("organization_memberships", where("user_id", str(u["id"]), "organization_id", org, "status", "active")) == nil {
		return nil, errBody(http.StatusBadRequest, "invalid_organization_id", fmt.Sprintf("User '%s' is not an active member of organization '%s'; choose one of the organizations listed in the organization_selection_required error.", u["id"], org))
	}
	delete(c.store.Singletons, "pending_auth_"+c.bodyString("pending_authentication_token"))
	c.store.dirty = true
	return c.finishAuth(u, str(p["method"]), org, "", false)
}
