package emulator

import (
	"net/url"
	"strings"
)

// ssoLogoutHandlers are the handlers of SSO logout: logout_authorize issues a
// logout token for a profile signed in through sso_token; the logout redirect
// with that token ends the profile's SSO sessions (its access tokens stop
// working) and redirects to return_to.
func ssoLogoutHandlers() map[string]handler {
	return map[string]handler{
		"sso_logout_authorize": (*call).ssoLogoutAuthorize,
		"sso_logout":           (*call).ssoLogout,
	}
}

func (c *call) ssoLogoutAuthorize() (any, error) {
	id := c.bodyString("profile_id")
	if id == "" {
		return nil, required422("profile_id")
	}
	if c.ssoAccessTokens(id) == nil {
		return nil, notFound("Profile", id)
	}
	tok := jwt(map[string]any{"sub": id, "iat": c.now.Unix(), "exp": c.now.Unix() + 600, "jti": c.store.newID("sso_logout_", c.now)})
	c.store.Singletons["sso_logout_"+tok] = Object{"profile_id": id}
	c.emit("sso.logout_authorized", Object{"profile_id": id}, "")
	scheme := "https"
	if c.req.TLS == nil {
		scheme = "http"
	}
	return map[string]any{"logout_url": scheme + "://" + c.req.Host + "/sso/logout?token=" + url.QueryEscape(tok), "logout_token": tok}, nil
}

// ssoLogout redirects to return_to; a token from ssoLogoutAuthorize is used up
// and revokes its profile's access tokens.
func (c *call) ssoLogout() (any, error) {
	if l := c.store.Singletons["sso_logout_"+c.queryParam("token")]; l != nil {
		for _, k := range c.ssoAccessTokens(str(l["profile_id"])) {
			delete(c.store.Singletons, k)
		}
		delete(c.store.Singletons, "sso_logout_"+c.queryParam("token"))
		c.store.dirty = true
	}
	return c.redirectTo(c.queryParam("return_to"), nil)
}

// ssoAccessTokens are the store keys of the access tokens issued to the profile
// with id (nil: none).
func (c *call) ssoAccessTokens(id string) []string {
	var keys []string
	for k, p := range c.store.Singletons {
		if strings.HasPrefix(k, "sso_token_") && str(p["id"]) == id {
			keys = append(keys, k)
		}
	}
	return keys
}
