package emulator

import (
	"fmt"
	"slices"
	"strings"
)

// featureFlagHandlers are the handlers of feature flags and their targets.
func featureFlagHandlers() map[string]handler {
	return map[string]handler{
		"feature_flags_list": func(c *call) (any, error) { return c.flagPage(c.store.all("feature_flags")) },
		"feature_flags_find_by_slug": func(c *call) (any, error) {
			f, err := c.flag()
			if err != nil {
				return nil, err
			}
			return c.renderFlag(f), nil
		},
		"feature_flags_enable_flag":        func(c *call) (any, error) { return c.flagSet(true) },
		"feature_flags_disable_flag":       func(c *call) (any, error) { return c.flagSet(false) },
		"flag_targets_create_target":       func(c *call) (any, error) { return c.flagTarget(true) },
		"flag_targets_delete_target":       func(c *call) (any, error) { return c.flagTarget(false) },
		"organization_feature_flags_list":  (*call).orgFlags,
		"userland_user_feature_flags_list": (*call).userFlags,
	}
}

func (c *call) flag() (Object, error) {
	f := c.store.find("feature_flags", where("slug", c.pathParam("slug")))
	if f == nil {
		return nil, notFound("Feature Flag", c.pathParam("slug"))
	}
	return f, nil
}

func (c *call) renderFlag(f Object) any { return public(f) }

func (c *call) flagPage(items []Object) (any, error) {
	return c.page(items, func(o Object) any { return c.renderFlag(o) })
}

func (c *call) flagSet(on bool) (any, error) {
	f, err := c.flag()
	if err != nil {
		return nil, err
	}
	f["enabled"] = on
	c.touch(f)
	c.emit("flag.updated", public(f), "")
	return c.renderFlag(f), nil
}

func (c *call) flagTarget(add bool) (any, error) {
	f, err := c.flag()
	if err != nil {
		return nil, err
	}
	id := c.pathParam("resourceId")
	switch {
	case strings.HasPrefix(id, "org_"):
		if _, err := c.org(id); err != nil {
			return nil, err
		}
	case strings.HasPrefix(id, "user_"):
		if _, err := c.user(id); err != nil {
			return nil, err
		}
	default:
		return nil, badRequest("invalid_resource_id_format", fmt.Sprintf("'%s' is neither an organization id (org_...) nor a user id (user_...).", id))
	}
	targets := strs(f["_targets"])
	if add && !slices.Contains(targets, id) {
		targets = append(targets, id)
	} else if !add {
		targets = remove(targets, id)
	}
	f["_targets"] = toAny(targets)
	c.touch(f)
	c.emit("flag.rule_updated", public(f), "")
	return nil, nil
}

// flagOn evaluates a flag for an organization and/or user.
func flagOn(f Object, ids ...string) bool {
	if f["enabled"] != true {
		return false
	}
	if f["default_value"] == true {
		return true
	}
	targets := strs(f["_targets"])
	for _, id := range ids {
		if id != "" && slices.Contains(targets, id) {
			return true
		}
	}
	return false
}

func (c *call) orgFlags() (any, error) {
	org := c.pathParam("organizationId")
	if _, err := c.org(org); err != nil {
		return nil, err
	}
	return c.flagPage(c.store.filter("feature_flags", func(f Object) bool { return flagOn(f, org) }))
}

func (c *call) userFlags() (any, error) {
	uid := c.pathParam("userId")
	if _, err := c.user(uid); err != nil {
		return nil, err
	}
	ids := []string{uid}
	for _, m := range c.store.filter("organization_memberships", where("user_id", uid, "status", "active")) {
		ids = append(ids, str(m["organization_id"]))
	}
	return c.flagPage(c.store.filter("feature_flags", func(f Object) bool { return flagOn(f, ids...) }))
}
