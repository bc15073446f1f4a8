package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

func miscHandlers() map[string]handler {
	return map[string]handler{
		"organization_api_keys_list":   func(c *call) any { return c.keyList("organization", c.p("organizationId")) },
		"organization_api_keys_create": func(c *call) any { return c.keyCreate("organization", c.p("organizationId")) },
		"user_api_keys_list":           func(c *call) any { return c.keyList("user", c.p("userId")) },
		"user_api_keys_create":         func(c *call) any { return c.keyCreate("user", c.p("userId")) },
		"api_keys_validate_api_key":    (*call).keyValidate,
		"api_keys_delete":              (*call).keyDelete,
		"api_keys_expire":              (*call).keyExpire,

		"webhook_endpoints_list":   func(c *call) any { return c.simpleList("webhook_endpoints", nil) },
		"webhook_endpoints_create": (*call).webhookCreate,
		"webhook_endpoints_update": (*call).webhookUpdate,
		"webhook_endpoints_delete": func(c *call) any {
			return c.simpleDelete("webhook_endpoints", "Webhook Endpoint", "webhook_endpoint.deleted")
		},

		"redirect_uris_list":   func(c *call) any { return c.simpleList("redirect_uris", nil) },
		"redirect_uris_create": (*call).redirectCreate,
		"redirect_uris_delete": func(c *call) any { return c.simpleDelete("redirect_uris", "Redirect URI", "redirect_uri.deleted") },

		"cors_origins_list":               func(c *call) any { return c.simpleList("cors_origins", nil) },
		"cors_origins_create_cors_origin": (*call).corsCreate,

		"jwt_templates_get_jwt_template":    (*call).jwtGet,
		"jwt_templates_update_jwt_template": (*call).jwtUpdate,

		"applications_list":   (*call).appList,
		"applications_create": (*call).appCreate,
		"applications_find": func(c *call) any {
			a, err := c.app(c.p("id"))
			if err != nil {
				return err
			}
			return public(a)
		},
		"applications_update":            (*call).appUpdate,
		"applications_delete":            (*call).appDelete,
		"application_credentials_list":   (*call).secretList,
		"application_credentials_create": (*call).secretCreate,
		"application_credentials_delete": func(c *call) any {
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
		"directories_find":             func(c *call) any { return c.getOr404("directories", "Directory", c.p("id")) },
		"directories_delete_directory": (*call).dirDelete,
		"directory_users_list":         (*call).dirUserList,
		"directory_users_find": func(c *call) any {
			u := c.st.get("directory_users", c.p("id"))
			if u == nil {
				return notFound("Directory User", c.p("id"))
			}
			return c.renderDirUser(u)
		},
		"directory_groups_list": (*call).dirGroupList,
		"directory_groups_find": func(c *call) any { return c.getOr404("directory_groups", "Directory Group", c.p("id")) },
		"connections_list":      (*call).connList,
		"connections_find":      func(c *call) any { return c.getOr404("connections", "Connection", c.p("id")) },
		"connections_delete":    (*call).connDelete,

		"portal_sessions_create": (*call).portalLink,
	}
}

func (c *call) getOr404(kind, what, id string) any {
	o := c.st.get(kind, id)
	if o == nil {
		return notFound(what, id)
	}
	return public(o)
}

func (c *call) simpleList(kind string, pred func(Object) bool) any {
	out, err := c.page(c.st.filter(kind, pred), nil)
	if err != nil {
		return err
	}
	return out
}

func (c *call) simpleDelete(kind, what, event string) any {
	o := c.st.get(kind, c.p("id"))
	if o == nil {
		return notFound(what, c.p("id"))
	}
	c.st.del(kind, c.p("id"))
	c.emit(event, o, str(o["organization_id"]))
	return nil
}

// API keys.

func (c *call) keyList(owner, id string) any {
	if owner == "organization" {
		if _, err := c.org(id); err != nil {
			return err
		}
	} else if _, err := c.user(id); err != nil {
		return err
	}
	org := c.q.Get("organization_id")
	return c.simpleList("api_keys", func(o Object) bool {
		own, _ := o["owner"].(map[string]any)
		return str(own["type"]) == owner && str(own["id"]) == id && (org == "" || str(own["organization_id"]) == org)
	})
}

func (c *call) keyCreate(owner, id string) any {
	own := map[string]any{"type": owner, "id": id}
	if owner == "organization" {
		if _, err := c.org(id); err != nil {
			return err
		}
	} else {
		if _, err := c.user(id); err != nil {
			return err
		}
		org := c.s("organization_id")
		if c.st.find("organization_memberships", where("user_id", id, "organization_id", org)) == nil {
			return invalid("organization_id", "invalid", fmt.Sprintf("User '%s' is not a member of organization '%s'.", id, org))
		}
		own["organization_id"] = org
	}
	k := c.newObj("api_key", "api_key_")
	value := "sk_" + strings.ToLower(token(str(k["id"]))+token(str(k["id"])+"v"))
	k["name"], k["owner"], k["permissions"] = c.s("name"), own, []any{}
	k["obfuscated_value"] = "sk_..." + value[len(value)-4:]
	k["last_used_at"], k["expires_at"] = nil, nil
	c.copyFields(k, "permissions", "expires_at")
	k["_value"] = value
	c.st.put("api_keys", k)
	c.emit("api_key.created", k, str(own["id"]))
	out := public(k)
	out["value"] = value
	return out
}

func (c *call) keyValidate() any {
	k := c.st.find("api_keys", where("_value", c.s("value")))
	if k != nil {
		if exp, err := time.Parse(time.RFC3339Nano, str(k["expires_at"])); err == nil && !c.now.Before(exp) {
			k = nil
		}
	}
	if k == nil {
		return map[string]any{"api_key": nil}
	}
	k["last_used_at"] = ts(c.now)
	return map[string]any{"api_key": public(k)}
}

func (c *call) keyDelete() any {
	k := c.st.get("api_keys", c.p("id"))
	if k == nil {
		return notFound("API Key", c.p("id"))
	}
	c.st.del("api_keys", c.p("id"))
	c.emit("api_key.revoked", k, "")
	return nil
}

func (c *call) keyExpire() any {
	k := c.st.get("api_keys", c.p("id"))
	if k == nil {
		return notFound("API Key", c.p("id"))
	}
	if exp, err := time.Parse(time.RFC3339Nano, str(k["expires_at"])); err == nil && !c.now.Before(exp) {
		return conflict("api_key_already_expired", fmt.Sprintf("API key '%s' has already expired.", k["id"]))
	}
	k["expires_at"] = ts(c.now)
	if at := c.s("expires_at"); at != "" {
		k["expires_at"] = at
	}
	c.touch(k)
	c.emit("api_key.updated", k, "")
	return public(k)
}

// Webhook endpoints, redirect URIs, CORS origins, JWT template.

func (c *call) webhookCreate() any {
	u := c.s("endpoint_url")
	if c.st.find("webhook_endpoints", where("endpoint_url", u)) != nil {
		return conflict("webhook_endpoint_already_exists", fmt.Sprintf("A webhook endpoint for '%s' already exists.", u))
	}
	w := c.newObj("webhook_endpoint", "we_")
	w["endpoint_url"], w["events"], w["status"], w["secret"] = u, toAny(strs(c.body["events"])), "enabled", "whsec_"+token(str(w["id"]))
	c.st.put("webhook_endpoints", w)
	c.emit("webhook_endpoint.created", w, "")
	return public(w)
}

func (c *call) webhookUpdate() any {
	w := c.st.get("webhook_endpoints", c.p("id"))
	if w == nil {
		return notFound("Webhook Endpoint", c.p("id"))
	}
	c.copyFields(w, "endpoint_url", "events", "status")
	c.touch(w)
	c.emit("webhook_endpoint.updated", w, "")
	return public(w)
}

func (c *call) redirectCreate() any {
	u := c.s("uri")
	if c.st.find("redirect_uris", where("uri", u)) != nil {
		return conflict("redirect_uri_already_exists", fmt.Sprintf("Redirect URI '%s' already exists.", u))
	}
	r := c.newObj("redirect_uri", "ruri_")
	r["uri"], r["default"] = u, len(c.st.all("redirect_uris")) == 0
	c.st.put("redirect_uris", r)
	c.emit("redirect_uri.created", r, "")
	return public(r)
}

func (c *call) corsCreate() any {
	origin := c.s("origin")
	if !strings.HasPrefix(origin, "http://") && !strings.HasPrefix(origin, "https://") {
		e := errBody(http.StatusUnprocessableEntity, "invalid_request_parameters", "origin must be an http(s) origin.")
		e.body["errors"] = []any{map[string]any{"property": "origin", "constraints": map[string]any{"isUrl": "origin must be an URL address"}}}
		return e
	}
	if c.st.find("cors_origins", where("origin", origin)) != nil {
		return conflict("duplicate_cors_origin", fmt.Sprintf("CORS origin '%s' already exists.", origin))
	}
	o := c.newObj("cors_origin", "cors_origin_")
	o["origin"] = origin
	c.st.put("cors_origins", o)
	c.emit("cors_origin.created", o, "")
	return public(o)
}

func (c *call) jwtGet() any {
	t := c.st.Singletons["jwt_template"]
	if t == nil {
		return map[string]any{"object": "jwt_template", "content": "{}", "created_at": ts(c.now), "updated_at": ts(c.now)}
	}
	return public(t)
}

func (c *call) jwtUpdate() any {
	t := c.st.Singletons["jwt_template"]
	if t == nil {
		t = Object{"object": "jwt_template", "created_at": ts(c.now)}
		c.st.Singletons["jwt_template"] = t
	}
	t["content"] = c.s("content")
	c.touch(t)
	c.emit("jwt_template.updated", t, "")
	return public(t)
}

// Connect applications and their client secrets.

func (c *call) app(id string) (Object, *apiError) {
	a := c.st.get("connect_applications", id)
	if a == nil {
		return nil, notFound("Connect Application", id)
	}
	return a, nil
}

func (c *call) appList() any {
	org := c.q.Get("organization_id")
	return c.simpleList("connect_applications", func(o Object) bool { return org == "" || str(o["organization_id"]) == org })
}

func (c *call) appCreate() any {
	if org := c.s("organization_id"); org != "" {
		if _, err := c.org(org); err != nil {
			return err
		}
	}
	a := c.newObj("connect_application", "conn_app_")
	a["client_id"] = "client_" + strings.TrimPrefix(str(a["id"]), "conn_app_")
	a["name"], a["description"], a["application_type"] = c.s("name"), nil, c.s("application_type")
	a["scopes"], a["redirect_uris"], a["organization_id"] = []any{}, []any{}, nil
	a["is_first_party"], a["uses_pkce"] = c.b("is_first_party"), c.b("uses_pkce")
	c.copyFields(a, "description", "scopes", "redirect_uris", "organization_id")
	c.st.put("connect_applications", a)
	c.emit("connect_application.created", a, str(a["organization_id"]))
	return public(a)
}

func (c *call) appUpdate() any {
	a, err := c.app(c.p("id"))
	if err != nil {
		return err
	}
	c.copyFields(a, "name", "description", "scopes", "redirect_uris")
	c.touch(a)
	c.emit("connect_application.updated", a, str(a["organization_id"]))
	return public(a)
}

func (c *call) appDelete() any {
	a, err := c.app(c.p("id"))
	if err != nil {
		return err
	}
	c.st.del("connect_applications", str(a["id"]))
	for _, s := range c.st.filter("connect_secrets", where("_application_id", str(a["id"]))) {
		c.st.del("connect_secrets", str(s["id"]))
	}
	c.emit("connect_application.deleted", a, str(a["organization_id"]))
	return nil
}

func (c *call) secretList() any {
	if _, err := c.app(c.p("id")); err != nil {
		return err
	}
	out := []any{}
	for _, s := range c.st.filter("connect_secrets", where("_application_id", c.p("id"))) {
		out = append(out, public(s))
	}
	return out
}

func (c *call) secretCreate() any {
	a, err := c.app(c.p("id"))
	if err != nil {
		return err
	}
	s := c.newObj("connect_application_secret", "secret_")
	secret := "sec_" + token(str(s["id"])) + token(str(s["id"])+"s")
	s["secret_hint"], s["last_used_at"], s["_application_id"] = secret[len(secret)-4:], nil, a["id"]
	c.st.put("connect_secrets", s)
	c.emit("connect_application_secret.created", s, str(a["organization_id"]))
	out := public(s)
	out["secret"] = secret
	return out
}

// Audit logs.

func (c *call) auditActions() any {
	items := c.st.all("audit_log_actions")
	out, err := c.page(items, func(a Object) any {
		o := public(a)
		if sc := c.st.find("audit_log_schemas", where("_id", str(a["_latest"]))); sc != nil {
			o["schema"] = public(sc)
		}
		return o
	})
	if err != nil {
		return err
	}
	return out
}

func (c *call) auditSchemaCreate() any {
	name := c.p("actionName")
	action := c.st.find("audit_log_actions", where("name", name))
	if action == nil {
		action = Object{"object": "audit_log_action", "id": c.st.newID("ala_", c.now), "name": name, "created_at": ts(c.now), "updated_at": ts(c.now)}
		c.st.put("audit_log_actions", action)
	}
	version := len(c.st.filter("audit_log_schemas", where("_action", name))) + 1
	sc := Object{"object": "audit_log_schema", "id": c.st.newID("als_", c.now), "version": version, "created_at": ts(c.now),
		"_action": name, "targets": clone(c.body["targets"])}
	sc["_id"] = sc["id"]
	c.copyFields(sc, "actor", "metadata")
	c.st.put("audit_log_schemas", sc)
	action["_latest"] = sc["id"]
	c.touch(action)
	c.emit("audit_log_schema.created", sc, "")
	return public(sc)
}

func (c *call) auditSchemas() any {
	name := c.p("actionName")
	if c.st.find("audit_log_actions", where("name", name)) == nil {
		return notFound("Audit Log Action", name)
	}
	return c.simpleList("audit_log_schemas", where("_action", name))
}

func (c *call) auditEventCreate() any {
	org := c.s("organization_id")
	if _, err := c.org(org); err != nil {
		return err
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
		e.body["errors"] = errs
		return e
	}
	rec := Object{"id": c.st.newID("audit_log_event_", c.now), "organization_id": org, "event": clone(ev), "created_at": ts(c.now)}
	c.st.put("audit_log_events", rec)
	c.emit("audit_log_event.created", rec, org)
	return map[string]any{"success": true}
}

func (c *call) auditExportCreate() any {
	org := c.s("organization_id")
	if _, err := c.org(org); err != nil {
		return err
	}
	x := c.newObj("audit_log_export", "audit_log_export_")
	x["state"] = "ready"
	x["url"] = "https://exports.workos.com/audit-logs/" + str(x["id"]) + ".csv"
	x["organization_id"] = org
	c.st.put("audit_log_exports", x)
	c.emit("audit_log_export.created", x, org)
	return public(x)
}

func (c *call) auditExportGet() any {
	return c.getOr404("audit_log_exports", "Audit Log Export", c.p("auditLogExportId"))
}

// Events.

func (c *call) eventList() any {
	types := strs(c.q["events"])
	if len(types) == 1 && strings.Contains(types[0], ",") {
		types = strings.Split(types[0], ",")
	}
	org := c.q.Get("organization_id")
	var from, to time.Time
	if s := c.q.Get("range_start"); s != "" {
		from, _ = time.Parse(time.RFC3339Nano, s)
	}
	if s := c.q.Get("range_end"); s != "" {
		to, _ = time.Parse(time.RFC3339Nano, s)
	}
	known := c.e.eventTypes()
	items := c.st.filter("events", func(e Object) bool {
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
	out, err := c.page(items, nil)
	if err != nil {
		return err
	}
	return out
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

func (c *call) dirList() any {
	org, domain, search := c.q.Get("organization_id"), c.q.Get("domain"), strings.ToLower(c.q.Get("search"))
	return c.simpleList("directories", func(d Object) bool {
		return (org == "" || str(d["organization_id"]) == org) && (domain == "" || str(d["domain"]) == domain) &&
			(search == "" || strings.Contains(strings.ToLower(str(d["name"])), search))
	})
}

func (c *call) dirDelete() any {
	d := c.st.get("directories", c.p("id"))
	if d == nil {
		return notFound("Directory", c.p("id"))
	}
	for _, kind := range []string{"directory_users", "directory_groups"} {
		for _, x := range c.st.filter(kind, where("directory_id", str(d["id"]))) {
			c.st.del(kind, str(x["id"]))
		}
	}
	c.st.del("directories", str(d["id"]))
	c.emit("dsync.deleted", d, str(d["organization_id"]))
	c.status = http.StatusAccepted
	return nil
}

func (c *call) renderDirUser(u Object) any {
	out := public(u)
	groups := []any{}
	for _, gid := range strs(u["_groups"]) {
		if g := c.st.get("directory_groups", gid); g != nil {
			groups = append(groups, public(g))
		}
	}
	out["groups"] = groups
	return out
}

func (c *call) dirUserList() any {
	dir, group, email, idp := c.q.Get("directory"), c.q.Get("group"), strings.ToLower(c.q.Get("email")), c.q.Get("idp_id")
	items := c.st.filter("directory_users", func(u Object) bool {
		return (dir == "" || str(u["directory_id"]) == dir) && (group == "" || contains(strs(u["_groups"]), group)) &&
			(email == "" || strings.ToLower(str(u["email"])) == email) && (idp == "" || str(u["idp_id"]) == idp)
	})
	out, err := c.page(items, c.renderDirUser)
	if err != nil {
		return err
	}
	return out
}

func (c *call) dirGroupList() any {
	dir, user := c.q.Get("directory"), c.q.Get("user")
	var ug []string
	if user != "" {
		if u := c.st.get("directory_users", user); u != nil {
			ug = strs(u["_groups"])
		}
	}
	return c.simpleList("directory_groups", func(g Object) bool {
		return (dir == "" || str(g["directory_id"]) == dir) && (user == "" || contains(ug, str(g["id"])))
	})
}

func (c *call) connList() any {
	q := c.q.Get
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

func (c *call) connDelete() any {
	o := c.st.get("connections", c.p("id"))
	if o == nil {
		return notFound("Connection", c.p("id"))
	}
	c.st.del("connections", str(o["id"]))
	c.emit("connection.deleted", o, str(o["organization_id"]))
	c.status = http.StatusNoContent
	return nil
}

func (c *call) portalLink() any {
	org := c.s("organization")
	if _, err := c.org(org); err != nil {
		return err
	}
	intent := c.s("intent")
	if intent == "" {
		intent = "sso"
	}
	id := c.st.newID("portal_", c.now)
	c.emit("portal_link.created", Object{"organization_id": org, "intent": intent}, org)
	return map[string]any{"link": "https://setup.workos.com/portal/launch?secret=" + token(id) + "&intent=" + intent}
}
