package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

func authHandlers() map[string]handler {
	return map[string]handler{
		"userland_sessions_authenticate_0":  (*call).authenticate,
		"userland_sessions_logout":          (*call).sessionLogout,
		"userland_sso_authorize":            (*call).redirectWithCode,
		"sso_authorize":                     (*call).redirectWithCode,
		"sso_logout":                        func(c *call) (any, error) { return c.redirectTo(c.queryParam("return_to"), nil) },
		"sso_token":                         (*call).ssoToken,
		"userland_sso_device_authorization": (*call).deviceAuthorization,
		"sso_get_profile":                   (*call).ssoProfile,

		"authentication_factors_create":                 (*call).factorEnroll,
		"userland_user_authentication_factors_create_0": (*call).userFactorEnroll,
		"userland_user_authentication_factors_list_0":   (*call).userFactorList,
		"authentication_factors_get": func(c *call) (any, error) {
			return c.getOr404("authentication_factors", "Authentication Factor", c.pathParam("id"))
		},
		"authentication_factors_delete":    (*call).factorDelete,
		"authentication_factors_challenge": (*call).factorChallenge,
		"authentication_challenges_verify": (*call).challengeVerify,

		"radar_standalone_assess":                   (*call).radarAssess,
		"radar_standalone_update_radar_list":        (*call).radarListUpdate,
		"radar_standalone_delete_radar_list_entry":  (*call).radarListDelete,
		"widgets_public_issue_widget_session_token": (*call).widgetToken,
	}
}

// jwt builds an HS256 token signed with a fixed emulator key (not a secret).
func jwt(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]any{"alg": "HS256", "typ": "JWT", "kid": "emulator"})
	p, _ := json.Marshal(claims)
	msg := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	mac := hmac.New(sha256.New, []byte("kosmo-lua-emulator"))
	mac.Write([]byte(msg))
	return msg + "." + enc.EncodeToString(mac.Sum(nil))
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

func (c *call) authenticate() (any, error) {
	if err := c.oauthClient(); err != nil {
		return nil, err
	}
	method := ""
	var u Object
	org := c.bodyString("organization_id")
	switch c.bodyString("grant_type") {
	case "password":
		u = c.userByEmail(c.bodyString("email"))
		if u == nil || str(u["_password"]) == "" || str(u["_password"]) != hashPassword(str(u["id"]), c.bodyString("password")) {
			c.emit("authentication.password_failed", Object{"type": "password", "status": "failed", "email": c.bodyString("email"), "user_id": nil, "ip_address": c.bodyString("ip_address"), "user_agent": c.bodyString("user_agent")}, "")
			return nil, oauthError(http.StatusBadRequest, "invalid_grant", "Invalid credentials: the email or password is wrong.")
		}
		method = "Password"
		c.emit("authentication.password_succeeded", Object{"type": "password", "status": "succeeded", "email": u["email"], "user_id": u["id"], "ip_address": c.bodyString("ip_address"), "user_agent": c.bodyString("user_agent")}, "")
	case "urn:workos:oauth:grant-type:magic-auth:code":
		email := strings.ToLower(c.bodyString("email"))
		ma := c.store.find("magic_auths", where("email", email, "code", c.bodyString("code")))
		if ma == nil {
			return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The magic auth code is invalid or expired.")
		}
		if exp, err := time.Parse(time.RFC3339Nano, str(ma["expires_at"])); err == nil && c.now.After(exp) {
			return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The magic auth code has expired.")
		}
		c.store.del("magic_auths", str(ma["id"]))
		u = c.userByEmail(email)
		if u == nil {
			u = c.newUser(email)
			c.store.put("users", u)
			c.emit("user.created", u, "")
		}
		u["email_verified"] = true
		method = "MagicAuth"
		c.emit("authentication.magic_auth_succeeded", Object{"type": "magic_auth", "status": "succeeded", "email": email, "user_id": u["id"], "ip_address": c.bodyString("ip_address"), "user_agent": c.bodyString("user_agent")}, "")
	case "refresh_token":
		s := c.store.find("sessions", where("_refresh_token", c.bodyString("refresh_token")))
		if s == nil || s["status"] != "active" {
			return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, was already used, or its session was revoked.")
		}
		u = c.store.get("users", str(s["user_id"]))
		if u == nil {
			return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The session's user no longer exists.")
		}
		if org == "" {
			org = str(s["organization_id"])
		}
		c.emit("session.refreshed", s, org)
		return c.issueTokens(u, s, org, str(s["_method"])), nil
	case "authorization_code":
		info := c.store.Singletons["sso_code_"+c.bodyString("code")]
		if info == nil {
			return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The code is invalid or was already used; start again at userland_sso_authorize.")
		}
		delete(c.store.Singletons, "sso_code_"+c.bodyString("code"))
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
		method = "Password"
		if str(info["connection"]) != "" || str(info["organization"]) != "" {
			method = "SSO"
		}
	case "urn:workos:oauth:grant-type:email-verification:code":
		v := c.store.find("email_verifications", where("code", c.bodyString("code")))
		if v == nil {
			return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The email verification code is invalid.")
		}
		u = c.store.get("users", str(v["user_id"]))
		if u == nil {
			return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The user no longer exists.")
		}
		u["email_verified"] = true
		c.store.del("email_verifications", str(v["id"]))
		method = "Password"
	case grantMFATOTP:
		return c.mfaTOTPGrant()
	case grantOrgSelection:
		return c.orgSelectionGrant()
	case grantDeviceCode:
		return c.deviceCodeGrant()
	default:
		return nil, oauthError(http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("The emulator does not support grant_type '%s'; use authorization_code, password, refresh_token, %s, %s, %s, %s or %s.", c.bodyString("grant_type"),
			"urn:workos:oauth:grant-type:magic-auth:code", "urn:workos:oauth:grant-type:email-verification:code", grantMFATOTP, grantOrgSelection, grantDeviceCode))
	}
	return c.finishAuth(u, method, org, c.bodyString("invitation_token"), c.bodyString("grant_type") == "password")
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
	return out
}

func (c *call) sessionLogout() (any, error) {
	if s := c.store.get("sessions", c.queryParam("session_id")); s != nil && s["status"] == "active" {
		s["status"], s["ended_at"] = "revoked", ts(c.now)
		delete(s, "_refresh_token")
		c.touch(s)
		c.emit("session.revoked", s, str(s["organization_id"]))
	}
	return c.redirectTo(c.queryParam("return_to"), nil)
}

func (c *call) redirectTo(target string, params url.Values) (any, error) {
	if target == "" {
		target = "https://example.com/"
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, badRequest("invalid_redirect_uri", fmt.Sprintf("'%s' is not a valid URL.", target))
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	c.header.Set("Location", u.String())
	c.status = http.StatusFound
	return nil, nil
}

// redirectWithCode answers the browser authorize endpoints with a 302 to redirect_uri
// carrying a code (usable with sso_token) and the state.
func (c *call) redirectWithCode() (any, error) {
	code := "code_" + token(c.store.newID("code_", c.now))
	p := url.Values{"code": {code}}
	if st := c.queryParam("state"); st != "" {
		p.Set("state", st)
	}
	c.store.Singletons["sso_code_"+code] = Object{"connection": c.queryParam("connection") + c.queryParam("connection_id"),
		"organization": c.queryParam("organization") + c.queryParam("organization_id"), "login_hint": c.queryParam("login_hint")}
	return c.redirectTo(c.queryParam("redirect_uri"), p)
}

func (c *call) ssoProfileFor(code string) Object {
	var conn Object
	if info := c.store.Singletons["sso_code_"+code]; info != nil {
		if id := str(info["connection"]); id != "" {
			conn = c.store.get("connections", id)
		} else if org := str(info["organization"]); org != "" {
			conn = c.store.find("connections", where("organization_id", org))
		}
	}
	if conn == nil {
		if all := c.store.all("connections"); len(all) > 0 {
			conn = all[0]
		}
	}
	p := Object{"object": "profile", "id": c.store.newID("prof_", c.now), "raw_attributes": map[string]any{}, "custom_attributes": map[string]any{}}
	if conn != nil {
		p["connection_id"], p["connection_type"], p["organization_id"] = conn["id"], conn["connection_type"], conn["organization_id"]
		if du := c.store.find("directory_users", where("organization_id", str(conn["organization_id"]))); du != nil {
			p["email"], p["first_name"], p["last_name"], p["idp_id"] = du["email"], du["first_name"], du["last_name"], du["idp_id"]
			p["name"] = strings.TrimSpace(str(du["first_name"]) + " " + str(du["last_name"]))
		}
	}
	return p
}

func (c *call) ssoToken() (any, error) {
	get := func(k string) string {
		if v := c.bodyString(k); v != "" {
			return v
		}
		return c.queryParam(k)
	}
	if !c.emu.keys[get("client_secret")] {
		return nil, oauthError(http.StatusBadRequest, "invalid_client", "The client_secret is not a valid API key.")
	}
	code := get("code")
	if c.store.Singletons["sso_code_"+code] == nil {
		return nil, oauthError(http.StatusBadRequest, "invalid_grant", "The code is invalid or was already used; start again at sso_authorize.")
	}
	p := c.ssoProfileFor(code)
	delete(c.store.Singletons, "sso_code_"+code)
	at := "sso_at_" + token(c.store.newID("sso_at_", c.now))
	c.store.Singletons["sso_token_"+at] = p
	c.emit("authentication.sso_succeeded", Object{"type": "sso", "status": "succeeded", "email": p["email"], "user_id": nil,
		"ip_address": nil, "user_agent": nil, "sso": map[string]any{"connection_id": p["connection_id"], "organization_id": p["organization_id"]}}, str(p["organization_id"]))
	return map[string]any{"token_type": "Bearer", "access_token": at, "expires_in": 600, "profile": p}, nil
}

func (c *call) ssoProfile() (any, error) {
	p := c.store.Singletons["sso_token_"+c.token]
	if p == nil {
		return nil, unauthorized()
	}
	return public(p), nil
}

// MFA factors and TOTP.

func totpCode(secret string, t time.Time) string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return ""
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", n%1000000)
}

// TOTPCode returns the current code for a TOTP secret (as enrolled by the
// emulator), so tests can verify challenges.
func TOTPCode(secret string, now time.Time) string { return totpCode(secret, now) }

func (c *call) newFactor(typ, userID string) (Object, error) {
	f := c.newObj("authentication_factor", "auth_factor_")
	f["type"] = typ
	if userID != "" {
		f["user_id"] = userID
	}
	switch typ {
	case "totp":
		sum := sha256.Sum256([]byte("totp:" + str(f["id"])))
		secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20])
		if s := c.bodyString("totp_secret"); s != "" {
			secret = s
		}
		issuer, user := c.bodyString("totp_issuer"), c.bodyString("totp_user")
		if issuer == "" {
			issuer = "WorkOS"
		}
		uri := fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s", url.PathEscape(issuer), url.PathEscape(user), secret, url.QueryEscape(issuer))
		f["totp"] = map[string]any{"issuer": issuer, "user": user, "secret": secret, "uri": uri,
			"qr_code": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="}
	case "sms":
		if c.bodyString("phone_number") == "" {
			return nil, required422("phone_number")
		}
		f["sms"] = map[string]any{"phone_number": c.bodyString("phone_number")}
	default:
		return nil, invalid("type", "invalid", fmt.Sprintf("Factor type '%s' is not supported; use totp or sms.", typ))
	}
	c.store.put("authentication_factors", f)
	c.emit("authentication_factor.created", f, "")
	return f, nil
}

func (c *call) factorEnroll() (any, error) {
	f, err := c.newFactor(c.bodyString("type"), c.bodyString("user_id"))
	if err != nil {
		return nil, err
	}
	return public(f), nil
}

func (c *call) userFactorEnroll() (any, error) {
	uid := c.pathParam("userlandUserId")
	if _, err := c.user(uid); err != nil {
		return nil, err
	}
	f, err := c.newFactor(c.bodyString("type"), uid)
	if err != nil {
		return nil, err
	}
	ch := c.newChallenge(f)
	return map[string]any{"authentication_factor": public(f), "authentication_challenge": public(ch)}, nil
}

func (c *call) userFactorList() (any, error) {
	if _, err := c.user(c.pathParam("userlandUserId")); err != nil {
		return nil, err
	}
	return c.simpleList("authentication_factors", where("user_id", c.pathParam("userlandUserId")))
}

func (c *call) factorDelete() (any, error) {
	f, err := c.lookup("authentication_factors", "Authentication Factor", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.store.del("authentication_factors", c.pathParam("id"))
	c.emit("authentication_factor.deleted", f, "")
	c.status = http.StatusNoContent
	return nil, nil
}

func (c *call) newChallenge(f Object) Object {
	ch := c.newObj("authentication_challenge", "auth_challenge_")
	ch["authentication_factor_id"] = f["id"]
	ch["expires_at"] = ts(c.now.Add(10 * time.Minute))
	if f["type"] == "sms" {
		ch["code"] = code6(str(ch["id"]))
	}
	c.store.put("authentication_challenges", ch)
	c.emit("authentication_challenge.created", ch, "")
	return ch
}

func (c *call) factorChallenge() (any, error) {
	f, err := c.lookup("authentication_factors", "Authentication Factor", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	return public(c.newChallenge(f)), nil
}

func (c *call) challengeVerify() (any, error) {
	ch, err := c.lookup("authentication_challenges", "Authentication Challenge", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	f := c.store.get("authentication_factors", str(ch["authentication_factor_id"]))
	valid := c.codeMatches(f, ch, c.bodyString("code"))
	if valid && f != nil {
		f["_verified"] = true // a verified factor makes password sign-in ask for MFA
		c.store.dirty = true
	}
	c.status = http.StatusCreated
	ev := "authentication.mfa_failed"
	if valid {
		ev = "authentication.mfa_succeeded"
	}
	userID := any(nil)
	if f != nil && f["user_id"] != nil {
		userID = f["user_id"]
	}
	c.emit(ev, Object{"type": "mfa", "status": strings.TrimPrefix(ev, "authentication.mfa_"), "user_id": userID, "ip_address": nil, "user_agent": nil}, "")
	return map[string]any{"challenge": public(ch), "valid": valid}, nil
}

// codeMatches checks a challenge's code: a TOTP factor's current code (±30 s) or
// an SMS challenge's code.
func (c *call) codeMatches(f, ch Object, code string) bool {
	if code == "" {
		return false
	}
	if f != nil && f["type"] == "totp" {
		secret := str(f["totp"].(map[string]any)["secret"])
		for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
			if totpCode(secret, c.now.Add(d)) == code {
				return true
			}
		}
		return false
	}
	return code == str(ch["code"])
}

// Radar: deterministic verdicts. Emails or IPs on the block list (or an email with
// "+block") are blocked; on the allow list allowed; an email with "+challenge" or an
// IP in 10.66.0.0/16 is challenged; everything else is allowed.
func (c *call) radarAssess() (any, error) {
	email, ip := strings.ToLower(c.bodyString("email")), c.bodyString("ip_address")
	lists := c.radarLists()
	verdict, reason := "allow", "low_risk"
	domain := email[strings.LastIndex(email, "@")+1:]
	inList := func(name string) bool {
		l := strs(lists[name])
		return contains(l, email) || contains(l, ip) || contains(l, domain)
	}
	switch {
	case inList("allow"):
		verdict, reason = "allow", "allow_listed"
	case inList("block") || strings.Contains(email, "+block"):
		verdict, reason = "block", "block_listed"
	case strings.Contains(email, "+challenge") || strings.HasPrefix(ip, "10.66."):
		verdict, reason = "challenge", "unrecognized_device"
	}
	a := Object{"id": c.store.newID("radar_attempt_", c.now), "verdict": verdict, "reason": reason, "email": email, "ip_address": ip, "created_at": ts(c.now)}
	c.store.put("radar_attempts", a)
	c.emit("radar.assessed", a, "")
	return map[string]any{"verdict": verdict, "reason": reason, "attempt_id": a["id"], "control": "device_fingerprint", "blocklist_type": nil}, nil
}

func (c *call) radarLists() Object {
	l := c.store.Singletons["radar_lists"]
	if l == nil {
		l = Object{}
		c.store.Singletons["radar_lists"] = l
	}
	return l
}

func (c *call) radarListUpdate() (any, error) {
	name := c.pathParam("action")
	entry := strings.ToLower(c.bodyString("entry"))
	lists := c.radarLists()
	l := strs(lists[name])
	if contains(l, entry) {
		return map[string]any{"message": "Entry already present in list"}, nil
	}
	lists[name] = toAny(append(l, entry))
	c.store.dirty = true
	c.emit("radar.list_updated", Object{"list": name, "type": c.pathParam("type"), "entry": entry}, "")
	c.status = http.StatusCreated
	return nil, nil
}

func (c *call) radarListDelete() (any, error) {
	lists := c.radarLists()
	name := c.pathParam("action")
	lists[name] = toAny(remove(strs(lists[name]), strings.ToLower(c.bodyString("entry"))))
	c.store.dirty = true
	c.emit("radar.list_updated", Object{"list": name, "type": c.pathParam("type")}, "")
	return nil, nil
}

func (c *call) widgetToken() (any, error) {
	claims := map[string]any{"iss": "https://api.workos.com", "aud": "widgets", "iat": c.now.Unix(), "exp": c.now.Add(time.Hour).Unix(), "scopes": strs(c.body["scopes"])}
	if org := c.bodyString("organization_id"); org != "" {
		if _, err := c.org(org); err != nil {
			return nil, err
		}
		claims["org_id"] = org
	}
	if uid := c.bodyString("user_id"); uid != "" {
		if _, err := c.user(uid); err != nil {
			return nil, err
		}
		claims["sub"] = uid
	}
	c.emit("widget_session_token.issued", Object{"organization_id": claims["org_id"], "user_id": claims["sub"]}, str(c.bodyString("organization_id")))
	return map[string]any{"token": jwt(claims)}, nil
}
