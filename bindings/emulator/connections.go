package emulator

import (
	"net/http"
	"strings"
)

// connectionHandlers are the handlers of SSO connections (seeded; read and delete).
func connectionHandlers() map[string]handler {
	return map[string]handler{
		"connections_list":   (*call).connList,
		"connections_find":   func(c *call) (any, error) { return c.getOr404("connections", "Connection", c.pathParam("id")) },
		"connections_delete": (*call).connDelete,
	}
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
