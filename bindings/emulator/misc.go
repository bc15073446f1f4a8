package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

func miscHandlers() map[string]handler {
	return map[string]handler{
		"organization_api_keys_list":   func(c *call) (any, error) { return c.keyList("organization", c.pathParam("organizationId")) },
		"organization_api_keys_create": func(c *call) (any, error) { return c.keyCreate("organization", c.pathParam("organizationId")) },
		"user_api_keys_list":           func(c *call) (any, error) { return c.keyList("user", c.pathParam("userId")) },
		"user_api_keys_create":         func(c *call) (any, error) { return c.keyCreate("user", c.pathParam("userId")) },
		"api_keys_validate_api_key":    (*call).keyValidate,
		"api_keys_delete":              (*call).keyDelete,
		"api_keys_expire":              (*call).keyExpire,

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

		"cors_origins_list":               func(c *call) (any, error) { return c.simpleList("cors_origins", nil) },
		"cors_origins_create_cors_origin": (*call).corsCreate,

		"jwt_templates_get_jwt_template":    (*call).jwtGet,
		"jwt_templates_update_jwt_template": (*call).jwtUpdate,

		"applications_list":   (*call).appList,
		"applications_create": (*call).appCreate,
		"applications_find": func(c *call) (any, error) {
			a, err := c.app(c.pathParam("id"))
			if err != nil {
				return nil, err
			}
			return public(a), nil
		},
		"applications_update":            (*call).appUpdate,
		"applications_delete":            (*call).appDelete,
		"application_credentials_list":   (*call).secretList,
		"application_credentials_create": (*call).secretCreate,
		"application_credentials_delete": func(c *call) (any, error) {
			return c.simpleDelete("connect_secrets", "Client Secret", "connect_application_secret.deleted")
		},

		"audit_log_validators_list":            (*call).auditActions,
		"audit_log_validator_versions_create":  (*call).auditSchemaCreate,
		"audit_log_validator_versions_schemas": (*call).auditSchemas,
		"audit_log_events_create":              (*call).auditEventCreate,
		"audit_log_exports_exports":            (*call).auditExportCreate,
		"audit_log_exports_export":             (*call).auditExportGet,

		"events_list": (*call).eventList,

		"directories_list":             (*call).dirList,
		"directories_find":             func(c *call) (any, error) { return c.getOr404("directories", "Directory", c.pathParam("id")) },
		"directories_delete_directory": (*call).dirDelete,
		"directory_users_list":         (*call).dirUserList,
		"directory_users_find": func(c *call) (any, error) {
			u, err := c.lookup("directory_users", "Directory User", c.pathParam("id"))
			if err != nil {
				return nil, err
			}
			return c.renderDirUser(u), nil
		},
		"directory_groups_list": (*call).dirGroupList,
		"directory_groups_find": func(c *call) (any, error) { return c.getOr404("directory_groups", "Directory Group", c.pathParam("id")) },
		"connections_list":      (*call).connList,
		"connections_find":      func(c *call) (any, error) { return c.getOr404("connections", "Connection", c.pathParam("id")) },
		"connections_delete":    (*call).connDelete,

		"portal_sessions_create": (*call).portalLink,
	}
}

// API keys.

func (c *call) keyList(owner, id string) (any, error) {
	if owner == "organization" {
		if _, err := c.org(id); err != nil {
			return nil, err
		}
	} else if _, err := c.user(id); err != nil {
		return nil, err
	}
	org := c.queryParam("organization_id")
	return c.simpleList("api_keys", func(o Object) bool {
		own, _ := o["owner"].(map[string]any)
		return str(own["type"]) == owner && str(own["id"]) == id && (org == "" || str(own["organization_id"]) == org)
	})
}

func (c *call) keyCreate(owner, id string) (any, error) {
	own := map[string]any{"type": owner, "id": id}
	if owner == "organization" {
		if _, err := c.org(id); err != nil {
			return nil, err
		}
	} else {
		if _, err := c.user(id); err != nil {
			return nil, err
		}
		org := c.bodyString("organization_id")
		if c.store.find("organization_memberships", where("user_id", id, "organization_id", org)) == nil {
			return nil, invalid("organization_id", "invalid", fmt.Sprintf("User '%s' is not a member of organization '%s'.", id, org))
		}
		own["organization_id"] = org
	}
	k := c.newObj("api_key", "api_key_")
	value := "sk_" + strings.ToLower(token(str(k["id"]))+token(str(k["id"])+"v"))
	k["name"], k["owner"], k["permissions"] = c.bodyString("name"), own, []any{}
	k["obfuscated_value"] = "sk_..." + value[len(value)-4:]
	k["last_used_at"], k["expires_at"] = nil, nil
	c.copyFields(k, "permissions", "expires_at")
	k["_value"] = value
	c.store.put("api_keys", k)
	c.emit("api_key.created", k, str(own["id"]))
	out := public(k)
	out["value"] = value
	return out, nil
}

func (c *call) keyValidate() (any, error) {
	k := c.store.find("api_keys", where("_value", c.bodyString("value")))
	if k != nil {
		if exp, err := time.Parse(time.RFC3339Nano, str(k["expires_at"])); err == nil && !c.now.Before(exp) {
			k = nil
		}
	}
	if k == nil {
		return map[string]any{"api_key": nil}, nil
	}
	k["last_used_at"] = ts(c.now)
	return map[string]any{"api_key": public(k)}, nil
}

func (c *call) keyDelete() (any, error) {
	k, err := c.lookup("api_keys", "API Key", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.store.del("api_keys", c.pathParam("id"))
	c.emit("api_key.revoked", k, "")
	return nil, nil
}

func (c *call) keyExpire() (any, error) {
	k, err := c.lookup("api_keys", "API Key", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	if exp, err := time.Parse(time.RFC3339Nano, str(k["expires_at"])); err == nil && !c.now.Before(exp) {
		return nil, conflict("api_key_already_expired", fmt.Sprintf("API key '%s' has already expired.", k["id"]))
	}
	k["expires_at"] = ts(c.now)
	if at := c.bodyString("expires_at"); at != "" {
		k["expires_at"] = at
	}
	c.touch(k)
	c.emit("api_key.updated", k, "")
	return public(k), nil
}

// Webhook endpoints, redirect URIs, CORS origins, JWT template.

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

// Connect applications and their client secrets.

func (c *call) app(id string) (Object, error) {
	return c.lookup("connect_applications", "Connect Application", id)
}

func (c *call) appList() (any, error) {
	org := c.queryParam("organization_id")
	return c.simpleList("connect_applications", func(o Object) bool { return org == "" || str(o["organization_id"]) == org })
}

func (c *call) appCreate() (any, error) {
	if org := c.bodyString("organization_id"); org != "" {
		if _, err := c.org(org); err != nil {
			return nil, err
		}
	}
	a := c.newObj("connect_application", "conn_app_")
	a["client_id"] = "client_" + strings.TrimPrefix(str(a["id"]), "conn_app_")
	a["name"], a["description"], a["application_type"] = c.bodyString("name"), nil, c.bodyString("application_type")
	a["scopes"], a["redirect_uris"], a["organization_id"] = []any{}, []any{}, nil
	a["is_first_party"], a["uses_pkce"] = c.bodyBool("is_first_party"), c.bodyBool("uses_pkce")
	c.copyFields(a, "description", "scopes", "redirect_uris", "organization_id")
	c.store.put("connect_applications", a)
	c.emit("connect_application.created", a, str(a["organization_id"]))
	return public(a), nil
}

func (c *call) appUpdate() (any, error) {
	a, err := c.app(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.copyFields(a, "name", "description", "scopes", "redirect_uris")
	c.touch(a)
	c.emit("connect_application.updated", a, str(a["organization_id"]))
	return public(a), nil
}

func (c *call) appDelete() (any, error) {
	a, err := c.app(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.store.del("connect_applications", str(a["id"]))
	for _, s := range c.store.filter("connect_secrets", where("_application_id", str(a["id"]))) {
		c.store.del("connect_secrets", str(s["id"]))
	}
	c.emit("connect_application.deleted", a, str(a["organization_id"]))
	return nil, nil
}

func (c *call) secretList() (any, error) {
	if _, err := c.app(c.pathParam("id")); err != nil {
		return nil, err
	}
	out := []any{}
	for _, s := range c.store.filter("connect_secrets", where("_application_id", c.pathParam("id"))) {
		out = append(out, public(s))
	}
	return out, nil
}

func (c *call) secretCreate() (any, error) {
	a, err := c.app(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	s := c.newObj("connect_application_secret", "secret_")
	secret := "sec_" + token(str(s["id"])) + token(str(s["id"])+"s")
	s["secret_hint"], s["last_used_at"], s["_application_id"] = secret[len(secret)-4:], nil, a["id"]
	c.store.put("connect_secrets", s)
	c.emit("connect_application_secret.created", s, str(a["organization_id"]))
	out := public(s)
	out["secret"] = secret
	return out, nil
}

// Audit logs.

func (c *call) auditActions() (any, error) {
	items := c.store.all("audit_log_actions")
	out, err := c.page(items, func(a Object) any {
		o := public(a)
		if sc := c.store.find("audit_log_schemas", where("_id", str(a["_latest"]))); sc != nil {
			o["schema"] = public(sc)
		}
		return o
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *call) auditSchemaCreate() (any, error) {
	name := c.pathParam("actionName")
	action := c.store.find("audit_log_actions", where("name", name))
	if action == nil {
		action = Object{"object": "audit_log_action", "id": c.store.newID("ala_", c.now), "name": name, "created_at": ts(c.now), "updated_at": ts(c.now)}
		c.store.put("audit_log_actions", action)
	}
	version := len(c.store.filter("audit_log_schemas", where("_action", name))) + 1
	sc := Object{"object": "audit_log_schema", "id": c.store.newID("als_", c.now), "version": version, "created_at": ts(c.now),
		"_action": name, "targets": clone(c.body["targets"])}
	sc["_id"] = sc["id"]
	c.copyFields(sc, "actor", "metadata")
	c.store.put("audit_log_schemas", sc)
	action["_latest"] = sc["id"]
	c.touch(action)
	c.emit("audit_log_schema.created", sc, "")
	return public(sc), nil
}

func (c *call) auditSchemas() (any, error) {
	name := c.pathParam("actionName")
	if c.store.find("audit_log_actions", where("name", name)) == nil {
		return nil, notFound("Audit Log Action", name)
	}
	return c.simpleList("audit_log_schemas", where("_action", name))
}

func (c *call) auditEventCreate() (any, error) {
	org := c.bodyString("organization_id")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	ev, _ := c.body["event"].(map[string]any)
	var errs []any
	for _, f := range []string{"action", "occurred_at", "actor", "targets", "context"} {
		if ev == nil || ev[f] == nil {
			errs = append(errs, map[string]any{"field": "event." + f, "code": "required"})
		}
	}
	if len(errs) > 0 {
		e := errBody(http.StatusUnprocessableEntity, "invalid_request_parameters", "Validation failed.")
		e.with("errors", errs)
		return nil, e
	}
	rec := Object{"id": c.store.newID("audit_log_event_", c.now), "organization_id": org, "event": clone(ev), "created_at": ts(c.now)}
	c.store.put("audit_log_events", rec)
	c.emit("audit_log_event.created", rec, org)
	return map[string]any{"success": true}, nil
}

func (c *call) auditExportCreate() (any, error) {
	org := c.bodyString("organization_id")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	x := c.newObj("audit_log_export", "audit_log_export_")
	x["state"] = "ready"
	x["url"] = "https://exports.workos.com/audit-logs/" + str(x["id"]) + ".csv"
	x["organization_id"] = org
	c.store.put("audit_log_exports", x)
	c.emit("audit_log_export.created", x, org)
	return public(x), nil
}

func (c *call) auditExportGet() (any, error) {
	return c.getOr404("audit_log_exports", "Audit Log Export", c.pathParam("auditLogExportId"))
}

// Events.

func (c *call) eventList() (any, error) {
	types := strs(c.query["events"])
	if len(types) == 1 && strings.Contains(types[0], ",") {
		types = strings.Split(types[0], ",")
	}
	org := c.queryParam("organization_id")
	var from, to time.Time
	if s := c.queryParam("range_start"); s != "" {
		from, _ = time.Parse(time.RFC3339Nano, s)
	}
	if s := c.queryParam("range_end"); s != "" {
		to, _ = time.Parse(time.RFC3339Nano, s)
	}
	known := c.emu.eventTypes()
	items := c.store.filter("events", func(e Object) bool {
		name := str(e["event"])
		if len(types) > 0 {
			if !contains(types, name) {
				return false
			}
		} else if !known[name] {
			return false
		}
		if org != "" && str(e["_organization_id"]) != org {
			return false
		}
		at, _ := time.Parse(time.RFC3339Nano, str(e["created_at"]))
		return (from.IsZero() || !at.Before(from)) && (to.IsZero() || !at.After(to))
	})
	return c.page(items, nil)
}

// eventTypes is the set of event types the specification documents.
func (e *Emulator) eventTypes() map[string]bool {
	e.eventOnce.Do(func() {
		e.events = map[string]bool{}
		sc, _ := e.schemas.response("events_list", 200)
		data, _ := props(sc)["data"].(map[string]any)
		items, _ := data["items"].(map[string]any)
		var walk func(s schema)
		walk = func(s schema) {
			for _, k := range []string{"allOf", "oneOf"} {
				for _, sub := range subschemas(s, k) {
					walk(sub)
				}
			}
			if ev, ok := props(s)["event"].(map[string]any); ok {
				if cst, ok := ev["const"].(string); ok {
					e.events[cst] = true
				}
			}
		}
		walk(items)
	})
	return e.events
}

// Directories, directory users and groups, connections (seeded; read and delete).

func (c *call) dirList() (any, error) {
	org, domain, search := c.queryParam("organization_id"), c.queryParam("domain"), strings.ToLower(c.queryParam("search"))
	return c.simpleList("directories", func(d Object) bool {
		return (org == "" || str(d["organization_id"]) == org) && (domain == "" || str(d["domain"]) == domain) &&
			(search == "" || strings.Contains(strings.ToLower(str(d["name"])), search))
	})
}

func (c *call) dirDelete() (any, error) {
	d, err := c.lookup("directories", "Directory", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	for _, kind := range []string{"directory_users", "directory_groups"} {
		for _, x := range c.store.filter(kind, where("directory_id", str(d["id"]))) {
			c.store.del(kind, str(x["id"]))
		}
	}
	c.store.del("directories", str(d["id"]))
	c.emit("dsync.deleted", d, str(d["organization_id"]))
	c.status = http.StatusAccepted
	return nil, nil
}

func (c *call) renderDirUser(u Object) any {
	out := public(u)
	groups := []any{}
	for _, gid := range strs(u["_groups"]) {
		if g := c.store.get("directory_groups", gid); g != nil {
			groups = append(groups, public(g))
		}
	}
	out["groups"] = groups
	return out
}

func (c *call) dirUserList() (any, error) {
	dir, group, email, idp := c.queryParam("directory"), c.queryParam("group"), strings.ToLower(c.queryParam("email")), c.queryParam("idp_id")
	items := c.store.filter("directory_users", func(u Object) bool {
		return (dir == "" || str(u["directory_id"]) == dir) && (group == "" || contains(strs(u["_groups"]), group)) &&
			(email == "" || strings.ToLower(str(u["email"])) == email) && (idp == "" || str(u["idp_id"]) == idp)
	})
	return c.page(items, c.renderDirUser)
}

func (c *call) dirGroupList() (any, error) {
	dir, user := c.queryParam("directory"), c.queryParam("user")
	var ug []string
	if user != "" {
		if u := c.store.get("directory_users", user); u != nil {
			ug = strs(u["_groups"])
		}
	}
	return c.simpleList("directory_groups", func(g Object) bool {
		return (dir == "" || str(g["directory_id"]) == dir) && (user == "" || contains(ug, str(g["id"])))
	})
}

func (c *call) connList() (any, error) {
	q := c.queryParam
	return c.simpleList("connections", func(o Object) bool {
		if q("organization_id") != "" && str(o["organization_id"]) != q("organization_id") {
			return false
		}
		if q("connection_type") != "" && str(o["connection_type"]) != q("connection_type") {
			return false
		}
		if s := strings.ToLower(q("search")); s != "" && !strings.Contains(strings.ToLower(str(o["name"])), s) {
			return false
		}
		if d := q("domain"); d != "" {
			found := false
			for _, x := range o["domains"].([]any) {
				if m, ok := x.(map[string]any); ok && str(m["domain"]) == d {
					found = true
				}
			}
			return found
		}
		return true
	})
}

func (c *call) connDelete() (any, error) {
	o, err := c.lookup("connections", "Connection", c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	c.store.del("connections", str(o["id"]))
	c.emit("connection.deleted", o, str(o["organization_id"]))
	c.status = http.StatusNoContent
	return nil, nil
}

func (c *call) portalLink() (any, error) {
	org := c.bodyString("organization")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	intent := c.bodyString("intent")
	if intent == "" {
		intent = "sso"
	}
	id := c.store.newID("portal_", c.now)
	c.emit("portal_link.created", Object{"organization_id": org, "intent": intent}, org)
	return map[string]any{"link": "https://setup.workos.com/portal/launch?secret=" + token(id) + "&intent=" + intent}, nil
}
