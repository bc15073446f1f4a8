package emulator

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
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

// Device authorization timing (RFC 8628): codes live expires_in seconds; a client
// polling again within interval seconds gets slow_down.
const (
	deviceExpiresIn = 300
	deviceInterval  = 5
)

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

// Device authorization (RFC 8628).

const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

func (c *call) deviceAuthorization() (any, error) {
	if c.bodyString("client_id") == "" {
		return nil, oauthError(http.StatusBadRequest, "invalid_client", "client_id is required.")
	}
	d := c.newObj("device_authorization", "device_auth_")
	sum := sha256.Sum256([]byte("device:" + str(d["id"])))
	var uc strings.Builder
	for i, b := range sum[:8] {
		if i == 4 {
			uc.WriteByte('-')
		}
		uc.WriteByte(userCodeAlphabet[int(b)%len(userCodeAlphabet)])
	}
	d["device_code"] = token(str(d["id"])) + token("device:"+str(d["id"]))
	d["user_code"], d["client_id"], d["status"] = uc.String(), c.bodyString("client_id"), "pending"
	d["expires_at"] = ts(c.now.Add(deviceExpiresIn * time.Second))
	c.store.put("device_authorizations", d)
	c.emit("device_authorization.created", Object{"user_code": d["user_code"], "client_id": d["client_id"]}, "")
	scheme := "https"
	if c.req.TLS == nil {
		scheme = "http"
	}
	uri := scheme + "://" + c.req.Host + "/_emulate/device"
	return map[string]any{"device_code": d["device_code"], "user_code": d["user_code"], "verification_uri": uri,
		"verification_uri_complete": uri + "?user_code=" + str(d["user_code"]), "expires_in": deviceExpiresIn, "interval": deviceInterval}, nil
}

// deviceCodeGrant polls a device code: authorization_pending until approved,
// slow_down when polled again within the interval, expired_token after expires_in,
// access_denied when denied; once approved it signs the user in (once).
func (c *call) deviceCodeGrant() (any, error) {
	d := c.store.find("device_authorizations", where("device_code", c.bodyString("device_code")))
	if d == nil || c.bodyString("device_code") == "" {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The device_code is unknown or was already used; start again with userland_sso_device_authorization.")
	}
	if exp, err := time.Parse(time.RFC3339Nano, str(d["expires_at"])); err == nil && c.now.After(exp) {
		return nil, oauthError(http.StatusBadRequest, "expired_token", "The device code has expired; start again with userland_sso_device_authorization.")
	}
	if d["status"] == "pending" && c.emu.opts.DeviceAutoApprove > 0 {
		if created, err := time.Parse(time.RFC3339Nano, str(d["created_at"])); err == nil && !c.now.Before(created.Add(c.emu.opts.DeviceAutoApprove)) {
			d["status"] = "approved"
		}
	}
	switch d["status"] {
	case "denied":
		return nil, oauthError(http.StatusBadRequest, "access_denied", "The user denied the device authorization request.")
	case "pending":
		last, err := time.Parse(time.RFC3339Nano, str(d["_last_poll"]))
		d["_last_poll"] = ts(c.now)
		c.store.dirty = true
		if err == nil && c.now.Before(last.Add(deviceInterval*time.Second)) {
			return nil, oauthError(http.StatusBadRequest, "slow_down", fmt.Sprintf("Polling too fast: wait at least %d seconds between requests.", deviceInterval))
		}
		return nil, oauthError(http.StatusBadRequest, "authorization_pending", "The user has not approved the device yet; poll again after the interval.")
	}
	var u Object
	if id := str(d["_user_id"]); id != "" {
		u = c.store.get("users", id)
	} else if all := c.store.all("users"); len(all) > 0 {
		u = all[0]
	}
	if u == nil {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The emulator has no user to sign in; seed one or approve the device with an email.")
	}
	c.store.del("device_authorizations", str(d["id"]))
	return c.finishAuth(u, "Password", str(d["_organization_id"]), "", false)
}

// DeviceApproval approves or denies a pending device authorization, standing in for
// the user who opens the verification URI in a browser.
type DeviceApproval struct {
	// UserCode is the user_code from userland_sso_device_authorization. Required.
	UserCode string `json:"user_code"`
	// Email of the user who signs in. Empty: the first user in the store.
	Email string `json:"email"`
	// OrganizationID the session is for. Empty: the user's only organization, or
	// organization_selection_required when they have several.
	OrganizationID string `json:"organization_id"`
	// Deny makes the next poll answer access_denied instead.
	Deny bool `json:"deny"`
}

// ErrDeviceNotPending is returned by [Emulator.ApproveDevice] for a user code that
// is unknown, expired, or already approved or denied.
var ErrDeviceNotPending = errors.New("emulator: no pending device authorization has this user_code; request one with userland_sso_device_authorization first")

// ErrUnknownUser is returned by [Emulator.ApproveDevice] for an email that no user has.
var ErrUnknownUser = errors.New("emulator: no user has this email; create the user or use a seeded email")

// ApproveDevice approves (or, with Deny, denies) the pending device authorization
// with a.UserCode, as POST /_emulate/device does. The device's next
// device_code grant then signs the user in (or answers access_denied).
func (e *Emulator) ApproveDevice(a DeviceApproval) error {
	e.mu.Lock()
	now := e.clock().UTC()
	code := strings.ToUpper(strings.TrimSpace(a.UserCode))
	d := e.store.find("device_authorizations", where("user_code", code, "status", "pending"))
	if d != nil {
		if exp, err := time.Parse(time.RFC3339Nano, str(d["expires_at"])); err == nil && now.After(exp) {
			d = nil
		}
	}
	if d == nil {
		e.mu.Unlock()
		return fmt.Errorf("%w (user_code %q)", ErrDeviceNotPending, a.UserCode)
	}
	if a.Deny {
		d["status"] = "denied"
	} else {
		if a.Email != "" {
			c := &call{store: e.store}
			u := c.userByEmail(a.Email)
			if u == nil {
				e.mu.Unlock()
				return fmt.Errorf("%w (email %q)", ErrUnknownUser, a.Email)
			}
			d["_user_id"] = u["id"]
		}
		d["_organization_id"] = a.OrganizationID
		d["status"] = "approved"
	}
	d["updated_at"] = ts(now)
	e.mu.Unlock()
	return e.save()
}

// serveDevice answers POST (or GET) /_emulate/device: user_code, email,
// organization_id and deny from the JSON body or the query.
func (e *Emulator) serveDevice(w http.ResponseWriter, r *http.Request) {
	var a DeviceApproval
	if r.Method == http.MethodPost && r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&a); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "emulator: the body must be JSON {user_code, email, organization_id, deny}: " + err.Error(), "code": "bad_request"})
			return
		}
	}
	q := r.URL.Query()
	if a.UserCode == "" {
		a.UserCode = q.Get("user_code")
	}
	if a.Email == "" {
		a.Email = q.Get("email")
	}
	if a.OrganizationID == "" {
		a.OrganizationID = q.Get("organization_id")
	}
	if q.Get("deny") == "true" {
		a.Deny = true
	}
	if err := e.ApproveDevice(a); err != nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": err.Error(), "code": "not_found"})
		return
	}
	status := "approved"
	if a.Deny {
		status = "denied"
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_code": strings.ToUpper(a.UserCode), "status": status})
}
