package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// directoryHandlers are the handlers of directories, directory users and directory
// groups (seeded; read and delete).
func directoryHandlers() map[string]handler {
	return map[string]handler{
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
		"directory_groups_find": func(c *call) (any, error) {
			return c.getOr404("directory_groups", "Directory Group", c.pathParam("id"))
		},
	}
}

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
		return (dir == "" || str(u["directory_id"]) == dir) && (group == "" || slices.Contains(strs(u["_groups"]), group)) &&
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
		return (dir == "" || str(g["directory_id"]) == dir) && (user == "" || slices.Contains(ug, str(g["id"])))
	})
}
