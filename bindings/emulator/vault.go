package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Vault key-value objects: create, read (by id or name), describe, update with
// versions and an optional version check, list (search, updatedAfter) and delete.
// Values are stored as given: the emulator does not encrypt.
func vaultHandlers() map[string]handler {
	hs := map[string]handler{
		"vault_kv_create":        (*call).kvCreate,
		"vault_kv_get":           func(c *call) (any, error) { return c.kvValue(c.kvByID()) },
		"vault_kv_get_by_name":   func(c *call) (any, error) { return c.kvValue(c.kvByName()) },
		"vault_kv_describe":      func(c *call) (any, error) { return c.kvRender(c.kvByID()) },
		"vault_kv_update":        (*call).kvUpdate,
		"vault_kv_delete":        (*call).kvDelete,
		"vault_kv_list":          (*call).kvList,
		"vault_kv_list_versions": (*call).kvVersions,
	}
	for name, h := range hs {
		hs[name] = withVaultErrors(h)
	}
	return hs
}

// withVaultErrors gives h's error answers the vault API's shape: its spec's Error
// schema requires {"error": message}, which is added beside code and message.
func withVaultErrors(h handler) handler {
	return func(c *call) (any, error) {
		v, err := h(c)
		var ae *apiError
		if errors.As(err, &ae) && !ae.oauth {
			ae.with("error", ae.message)
		}
		return v, err
	}
}

func (c *call) kvByID() (Object, error) {
	return c.lookup("vault_objects", "Vault object", c.pathParam("id"))
}

func (c *call) kvByName() (Object, error) {
	o := c.store.find("vault_objects", where("name", c.pathParam("name")))
	if o == nil {
		return nil, notFound("Vault object named", c.pathParam("name"))
	}
	return o, nil
}

func (c *call) kvMeta(o Object) map[string]any {
	return map[string]any{"id": o["id"], "environment_id": "environment_emulator", "key_id": "key_emulator",
		"context": clone(o["_context"]), "updated_at": o["updated_at"], "version_id": o["_version_id"],
		"updated_by": map[string]any{"id": "api_key_emulator", "name": "emulator"}}
}

func (c *call) kvRender(o Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": o["id"], "name": o["name"], "metadata": c.kvMeta(o)}, nil
}

func (c *call) kvValue(o Object, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": o["id"], "name": o["name"], "metadata": c.kvMeta(o), "value": o["_value"]}, nil
}

func (c *call) kvVersion(o Object) {
	vid := c.store.newID("version_", c.now)
	sum := sha256.Sum256([]byte(str(o["_value"])))
	versions, _ := o["_versions"].([]any)
	for _, v := range versions {
		v.(map[string]any)["current_version"] = false
	}
	o["_versions"] = append(versions, map[string]any{"id": vid, "created_at": ts(c.now), "current_version": true,
		"size": len(str(o["_value"])), "etag": hex.EncodeToString(sum[:16])})
	o["_version_id"] = vid
}

func (c *call) kvCreate() (any, error) {
	name := c.bodyString("name")
	if c.store.find("vault_objects", where("name", name)) != nil {
		return nil, conflict("object_already_exists", fmt.Sprintf("A vault object named '%s' already exists; update it with vault_kv_update.", name))
	}
	o := c.newObj("vault_object", "")
	o["id"] = strings.ToLower(o["id"].(string))
	o["name"], o["_value"], o["_context"] = name, c.bodyString("value"), clone(c.body["key_context"])
	c.kvVersion(o)
	c.store.put("vault_objects", o)
	c.emit("vault.data.created", Object{"name": name, "id": o["id"]}, "")
	return c.kvMeta(o), nil
}

func (c *call) kvUpdate() (any, error) {
	o, err := c.kvByID()
	if err != nil {
		return nil, err
	}
	if vc := c.bodyString("version_check"); vc != "" && vc != str(o["_version_id"]) {
		return nil, conflict("version_check_failed", fmt.Sprintf("Vault object '%s' is at version %s, not %s.", o["id"], o["_version_id"], vc))
	}
	o["_value"] = c.bodyString("value")
	c.touch(o)
	c.kvVersion(o)
	c.emit("vault.data.updated", Object{"name": o["name"], "id": o["id"]}, "")
	c.status = 201
	return c.kvRender(o, nil)
}

func (c *call) kvDelete() (any, error) {
	o, err := c.kvByID()
	if err != nil {
		return nil, err
	}
	if vc := c.queryParam("version_check"); vc != "" && vc != str(o["_version_id"]) {
		return nil, conflict("version_check_failed", fmt.Sprintf("Vault object '%s' is at version %s, not %s.", o["id"], o["_version_id"], vc))
	}
	c.store.del("vault_objects", str(o["id"]))
	c.emit("vault.data.deleted", Object{"name": o["name"], "id": o["id"]}, "")
	return map[string]any{"success": true, "name": o["name"]}, nil
}

func (c *call) kvList() (any, error) {
	search := strings.ToLower(c.queryParam("search"))
	var after time.Time
	if s := c.queryParam("updatedAfter"); s != "" {
		after, _ = time.Parse(time.RFC3339Nano, s)
	}
	items := c.store.filter("vault_objects", func(o Object) bool {
		at, _ := time.Parse(time.RFC3339Nano, str(o["updated_at"]))
		return (search == "" || strings.Contains(strings.ToLower(str(o["name"])), search)) && (after.IsZero() || at.After(after))
	})
	out, err := c.page(items, func(o Object) any {
		return map[string]any{"id": o["id"], "name": o["name"], "updated_at": o["updated_at"]}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *call) kvVersions() (any, error) {
	o, err := c.kvByID()
	if err != nil {
		return nil, err
	}
	versions, _ := o["_versions"].([]any)
	data := make([]any, 0, len(versions))
	for i := len(versions) - 1; i >= 0; i-- {
		data = append(data, clone(versions[i]))
	}
	return map[string]any{"data": data, "list_metadata": map[string]any{"before": nil, "after": nil}}, nil
}
