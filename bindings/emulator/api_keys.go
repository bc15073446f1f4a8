package emulator

import (
	"fmt"
	"strings"
	"time"
)

// apiKeyHandlers are the handlers of organization and user API keys.
func apiKeyHandlers() map[string]handler {
	return map[string]handler{
		"organization_api_keys_list":   func(c *call) (any, error) { return c.keyList("organization", c.pathParam("organizationId")) },
		"organization_api_keys_create": func(c *call) (any, error) { return c.keyCreate("organization", c.pathParam("organizationId")) },
		"user_api_keys_list":           func(c *call) (any, error) { return c.keyList("user", c.pathParam("userId")) },
		"user_api_keys_create":         func(c *call) (any, error) { return c.keyCreate("user", c.pathParam("userId")) },
		"api_keys_validate_api_key":    (*call).keyValidate,
		"api_keys_delete":              (*call).keyDelete,
		"api_keys_expire":              (*call).keyExpire,
	}
}

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
