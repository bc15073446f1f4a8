package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// authenticateHandlers are the handlers of authenticate.
func authenticateHandlers() map[string]handler {
	return map[string]handler{
		"userland_sessions_authenticate_0": (*call).authenticate,
	}
}

func (c *call) oauthClient() error {
	if c.bodyString("client_id") == "" {
		return oauthError(http.StatusBadRequest, "invalid_client", "client_id is required.")
	}
	if sec := c.bodyString("client_secret"); sec != "" && !c.emu.keys[sec] {
		return oauthError(http.StatusUnauthorized, "invalid_client", "The client_secret is not a valid API key.")
	}
	return nil
}

// The grants that identify a user by a one-time code.
const (
	grantMagicAuth         = "urn:workos:oauth:grant-type:magic-auth:code"
	grantEmailVerification = "urn:workos:oauth:grant-type:email-verification:code"
)

// grantFor returns the authenticate handler of a grant_type (nil: unsupported).
// Each one answers the whole request: the grants that identify a user hand it to
// finishAuth; the others continue a session, a pending step or a device code.
func grantFor(grantType string) func(*call) (any, error) {
	switch grantType {
	case "password":
		return (*call).passwordGrant
	case grantMagicAuth:
		return (*call).magicAuthGrant
	case "refresh_token":
		return (*call).refreshTokenGrant
	case "authorization_code":
		return (*call).authorizationCodeGrant
	case grantEmailVerification:
		return (*call).emailVerificationGrant
	case grantMFATOTP:
		return (*call).mfaTOTPGrant
	case grantOrgSelection:
		return (*call).orgSelectionGrant
	case grantDeviceCode:
		return (*call).deviceCodeGrant
	}
	return nil
}

func (c *call) authenticate() (any, error) {
	if err := c.oauthClient(); err != nil {
		return nil, err
	}
	grant := grantFor(c.bodyString("grant_type"))
	if grant == nil {
		return nil, oauthError(http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("The emulator does not support grant_type '%s'; use authorization_code, password, refresh_token, %s, %s, %s, %s or %s.", c.bodyString("grant_type"),
			grantMagicAuth, grantEmailVerification, grantMFATOTP, grantOrgSelection, grantDeviceCode))
	}
	return grant(c)
}

// signIn finishes a grant that identified u: MFA only follows a password.
func (c *call) signIn(u Object, method, org string) (any, error) {
	return c.finishAuth(u, method, org, c.bodyString("invitation_token"), c.bodyString("grant_type") == "password")
}

// authEvent records an authentication.* event of kind (password, magic_auth) and status.
func (c *call) authEvent(kind, status string, email, userID any) {
	c.emit("authentication."+kind+"_"+status, Object{"type": kind, "status": status, "email": email, "user_id": userID, "ip_address": c.bodyString("ip_address"), "user_agent": c.bodyString("user_agent")}, "")
}

func (c *call) passwordGrant() (any, error) {
	u := c.userByEmail(c.bodyString("email"))
	if u == nil || str(u["_password"]) == "" || str(u["_password"]) != hashPassword(str(u["id"]), c.bodyString("password")) {
		c.authEvent("password", "failed", c.bodyString("email"), nil)
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "Invalid credentials: the email or password is wrong.")
	}
	c.authEvent("password", "succeeded", u["email"], u["id"])
	return c.signIn(u, "Password", c.bodyString("organization_id"))
}

func (c *call) magicAuthGrant() (any, error) {
	email := strings.ToLower(c.bodyString("email"))
	ma := c.store.find("magic_auths", where("email", email, "code", c.bodyString("code")))
	if ma == nil {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The magic auth code is invalid or expired.")
	}
	if exp, err := time.Parse(time.RFC3339Nano, str(ma["expires_at"])); err == nil && c.now.After(exp) {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The magic auth code has expired.")
	}
	c.store.del("magic_auths", str(ma["id"]))
	u := c.userByEmail(email)
	if u == nil {
		u = c.newUser(email)
		c.store.put("users", u)
		c.emit("user.created", u, "")
	}
	u["email_verified"] = true
	c.authEvent("magic_auth", "succeeded", email, u["id"])
	return c.signIn(u, "MagicAuth", c.bodyString("organization_id"))
}

func (c *call) refreshTokenGrant() (any, error) {
	s := c.store.find("sessions", where("_refresh_token", c.bodyString("refresh_token")))
	if s == nil || s["status"] != "active" {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, was already used, or its session was revoked.")
	}
	u := c.store.get("users", str(s["user_id"]))
	if u == nil {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The session's user no longer exists.")
	}
	org := c.bodyString("organization_id")
	if org == "" {
		org = str(s["organization_id"])
	}
	c.emit("session.refreshed", s, org)
	return c.issueTokens(u, s, org, str(s["_method"])), nil
}

// authorizationCodeGrant redeems a code from the userland_sso_authorize redirect:
// its login_hint, else an active member of its organization, else the first user.
func (c *call) authorizationCodeGrant() (any, error) {
	info := c.store.Singletons["sso_code_"+c.bodyString("code")]
	if info == nil {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The code is invalid or was already used; start again at userland_sso_authorize.")
	}
	delete(c.store.Singletons, "sso_code_"+c.bodyString("code"))
	var u Object
	org := c.bodyString("organization_id")
	if hint := str(info["login_hint"]); hint != "" {
		u = c.userByEmail(hint)
	}
	if o := str(info["organization"]); u == nil && o != "" {
		if m := c.store.find("organization_memberships", where("organization_id", o, "status", "active")); m != nil {
			u = c.store.get("users", str(m["user_id"]))
			org = o
		}
	}
	if u == nil {
		if all := c.store.all("users"); len(all) > 0 {
			u = all[0]
		}
	}
	if u == nil {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The emulator has no user to sign in; seed one or pass login_hint to userland_sso_authorize.")
	}
	method := "Password"
	if str(info["connection"]) != "" || str(info["organization"]) != "" {
		method = "SSO"
	}
	return c.signIn(u, method, org)
}

func (c *call) emailVerificationGrant() (any, error) {
	v := c.store.find("email_verifications", where("code", c.bodyString("code")))
	if v == nil {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The email verification code is invalid.")
	}
	u := c.store.get("users", str(v["user_id"]))
	if u == nil {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The user no longer exists.")
	}
	u["email_verified"] = true
	c.store.del("email_verifications", str(v["id"]))
	return c.signIn(u, "Password", c.bodyString("organization_id"))
}

// issueTokens rotates the session's refresh token and returns the authenticate response.
func (c *call) issueTokens(u, s Object, org, method string) any {
	rt := "rt_" + token(c.store.newID("refresh_", c.now))
	s["_refresh_token"] = rt
	c.touch(s)
	claims := map[string]any{"iss": "https://api.workos.com", "sub": u["id"], "sid": s["id"], "iat": c.now.Unix(), "exp": c.now.Add(5 * time.Minute).Unix()}
	out := map[string]any{"user": public(u), "access_token": "", "refresh_token": rt, "authentication_method": method}
	if org != "" {
		out["organization_id"] = org
		claims["org_id"] = org
		if m := c.store.find("organization_memberships", where("user_id", str(u["id"]), "organization_id", org)); m != nil {
			roles := strs(m["_roles"])
			if len(roles) > 0 {
				claims["role"] = roles[0]
			}
			claims["roles"] = roles
			claims["permissions"] = c.effectivePerms(m, nil)
		}
	}
	out["access_token"] = jwt(claims)
	c.recordAuthorization(u, org)
	return out
}
