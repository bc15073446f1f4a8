package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// radarHandlers are the handlers of Radar assessments and allow/block lists.
func radarHandlers() map[string]handler {
	return map[string]handler{
		"radar_standalone_assess":                  (*call).radarAssess,
		"radar_standalone_update_radar_list":       (*call).radarListUpdate,
		"radar_standalone_delete_radar_list_entry": (*call).radarListDelete,
	}
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
		return slices.Contains(l, email) || slices.Contains(l, ip) || slices.Contains(l, domain)
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
	if slices.Contains(l, entry) {
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
