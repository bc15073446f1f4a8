package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// environmentSettingHandlers are the handlers of the environment's settings: webhook
// endpoints, redirect URIs, CORS origins and the JWT template.
func environmentSettingHandlers() map[string]handler {
	return map[string]handler{
		"webhook_endpoints_list":   func(c *call) (any, error) { return c.simpleList("webhook_endpoints", nil) },
		"webhook_endpoints_create": (*call).webhookCreate,
		"webhook_endpoints_update": (*call).webhookUpdate,
		"webhook_endpoints_delete": func(c *call) (any, error) {
			return c.simpleDelete("webhook_endpoints", "Webhook Endpoint", "webhook_endpoint.deleted")
		},
		"redirect_uris_list":   func(c *call) (any, error) { return c.simpleList("redirect_uris", nil) },
		"redirect_uris_create": (*call).redirectCreate,
		"redirect_uris_delete": func(c *call) (any, error) {
			return c.simpleDelete("redirect_uris", "Redirect URI", "redirect_uri.deleted")
		},
		"cors_origins_list":                 func(c *call) (any, error) { return c.simpleList("cors_origins", nil) },
		"cors_origins_create_cors_origin":   (*call).corsCreate,
		"jwt_templates_get_jwt_template":    (*call).jwtGet,
		"jwt_templates_update_jwt_template": (*call).jwtUpdate,
	}
}

func (c *call) webhookCreate() (any, error) {
	u := c.bodyString("endpoint_url")
	if c.store.find("webhook_endpoints", where("endpoint_url", u)) != nil {
		return nil, conflict("webhook_endpoint_already_exists", fmt.Sprintf("A webhook endpoint for '%s' already exists.", u))
	}
	w := c.newObj("webhook_endpoint", "we_")
	w["endpoint_url"], w["events"], w["status"], w["secret"] = u, toAny(strs(c.body["events"])), "enabled", "whsec_"+token(str(w["id"]))
	c.store.put("webhook_endpoints", w)
	c.emit("webhook_endpoint.created", w, "")
	return public(w), nil
}

func (c *call) webhookUpdate() (any, error) {
	w, err := c.lookup("webhook_endpoints", "Webhook Endpoint", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.copyFields(w, "endpoint_url", "events", "status")
	c.touch(w)
	c.emit("webhook_endpoint.updated", w, "")
	return public(w), nil
}

func (c *call) redirectCreate() (any, error) {
	u := c.bodyString("uri")
	if c.store.find("redirect_uris", where("uri", u)) != nil {
		return nil, conflict("redirect_uri_already_exists", fmt.Sprintf("Redirect URI '%s' already exists.", u))
	}
	r := c.newObj("redirect_uri", "ruri_")
	r["uri"], r["default"] = u, len(c.store.all("redirect_uris")) == 0
	c.store.put("redirect_uris", r)
	c.emit("redirect_uri.created", r, "")
	return public(r), nil
}

func (c *call) corsCreate() (any, error) {
	origin := c.bodyString("origin")
	if !strings.HasPrefix(origin, "http://") && !strings.HasPrefix(origin, "https://") {
		e := errBody(http.StatusUnprocessableEntity, "invalid_request_parameters", "origin must be an http(s) origin.")
		e.with("errors", []any{map[string]any{"property": "origin", "constraints": map[string]any{"isUrl": "origin must be an URL address"}}})
		return nil, e
	}
	if c.store.find("cors_origins", where("origin", origin)) != nil {
		return nil, conflict("duplicate_cors_origin", fmt.Sprintf("CORS origin '%s' already exists.", origin))
	}
	o := c.newObj("cors_origin", "cors_origin_")
	o["origin"] = origin
	c.store.put("cors_origins", o)
	c.emit("cors_origin.created", o, "")
	return public(o), nil
}

func (c *call) jwtGet() (any, error) {
	t := c.store.Singletons["jwt_template"]
	if t == nil {
		return map[string]any{"object": "jwt_template", "content": "{}", "created_at": ts(c.now), "updated_at": ts(c.now)}, nil
	}
	return public(t), nil
}

func (c *call) jwtUpdate() (any, error) {
	t := c.store.Singletons["jwt_template"]
	if t == nil {
		t = Object{"object": "jwt_template", "created_at": ts(c.now)}
		c.store.Singletons["jwt_template"] = t
	}
	t["content"] = c.bodyString("content")
	c.touch(t)
	c.emit("jwt_template.updated", t, "")
	return public(t), nil
}
