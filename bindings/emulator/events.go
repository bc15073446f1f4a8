package emulator

import (
	"slices"
	"strings"
	"time"
)

// eventHandlers are the handlers of events.
func eventHandlers() map[string]handler {
	return map[string]handler{
		"events_list": (*call).eventList,
	}
}

// emit records an event for a mutation. Event types WorkOS documents are listed by
// GET /events; emulator-only types (for resources WorkOS emits no event for) only
// when asked for with events=<type>.
func (c *call) emit(event string, data any, orgID string) {
	ev := Object{
		"object":     "event",
		"id":         c.store.newID("event_", c.now),
		"event":      event,
		"data":       clone(stripPrivate(data)),
		"created_at": ts(c.now),
		"context":    map[string]any{},
	}
	if orgID != "" {
		ev["_organization_id"] = orgID
	}
	c.store.put("events", ev)
	if !c.seeding {
		c.events = append(c.events, ev)
	}
}

func stripPrivate(v any) any {
	if m, ok := v.(map[string]any); ok {
		return public(m)
	}
	return v
}

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
			if !slices.Contains(types, name) {
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
