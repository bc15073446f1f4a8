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

// deviceAuthorizationHandlers are the handlers of device authorization (RFC 8628).
func deviceAuthorizationHandlers() map[string]handler {
	return map[string]handler{
		"userland_sso_device_authorization": (*call).deviceAuthorization,
	}
}

// Device authorization timing (RFC 8628): codes live expires_in seconds; a client
// polling again within interval seconds gets slow_down.
const (
	deviceExpiresIn = 300
	deviceInterval  = 5
)

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
