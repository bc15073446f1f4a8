package emulator

import "net/http"

// auditLogHandlers are the handlers of audit-log actions, schemas, events, exports and
// an organization's retention.
func auditLogHandlers() map[string]handler {
	return map[string]handler{
		"audit_log_validators_list":                        (*call).auditActions,
		"audit_log_validator_versions_create":              (*call).auditSchemaCreate,
		"audit_log_validator_versions_schemas":             (*call).auditSchemas,
		"audit_log_events_create":                          (*call).auditEventCreate,
		"audit_log_exports_exports":                        (*call).auditExportCreate,
		"audit_log_exports_export":                         (*call).auditExportGet,
		"organizations_get_audit_log_configuration":        (*call).orgAuditConfig,
		"audit_logs_retention_audit_logs_retention":        (*call).orgRetention,
		"audit_logs_retention_update_audit_logs_retention": (*call).orgRetentionUpdate,
	}
}

func (c *call) orgAuditConfig() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	days := 30
	if n, ok := o["_retention_days"].(float64); ok {
		days = int(n)
	} else if n, ok := o["_retention_days"].(int); ok {
		days = n
	}
	return map[string]any{"organization_id": o["id"], "retention_period_in_days": days, "state": "active", "log_stream": nil}, nil
}

func (c *call) orgRetention() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	days := any(30)
	if v, ok := o["_retention_days"]; ok {
		days = v
	}
	return map[string]any{"retention_period_in_days": days}, nil
}

func (c *call) orgRetentionUpdate() (any, error) {
	o, err := c.org(c.pathParam("id"))
	if err != nil {
		return nil, err
	}
	d, ok := c.body["retention_period_in_days"].(float64)
	if !ok || (d != 30 && d != 365) {
		return nil, invalid("retention_period_in_days", "invalid", "retention_period_in_days must be 30 or 365.")
	}
	o["_retention_days"] = d
	c.touch(o)
	c.emit("audit_log_retention.updated", Object{"organization_id": o["id"], "retention_period_in_days": d}, str(o["id"]))
	return map[string]any{"retention_period_in_days": d}, nil
}

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
