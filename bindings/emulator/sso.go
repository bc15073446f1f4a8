package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ssoHandlers are the handlers of SSO and the browser redirects: authorize, token,
// profile and logout.
func ssoHandlers() map[string]handler {
	return map[string]handler{
		"userland_sessions_logout": (*call).sessionLogout,
		"userland_sso_authorize":   (*call).redirectWithCode,
		"sso_authorize":            (*call).redirectWithCode,
		"sso_token":                (*call).ssoToken,
		"sso_get_profile":          (*call).ssoProfile,
	}
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
		return nil, accessTokenUnauthorized()
	}
	return public(p), nil
}

// accessTokenUnauthorized is the 401 of an operation authenticated by an SSO access
// token: the spec's {"error":"Unauthorized"} beside the usual code and message.
func accessTokenUnauthorized() *apiError {
	return errBody(http.StatusUnauthorized, "unauthorized", "Unauthorized: provide the access token from sso_token as 'Authorization: Bearer ...'.").
		with("error", "Unauthorized")
}
