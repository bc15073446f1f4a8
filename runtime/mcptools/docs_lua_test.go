package mcptools

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestLuaDocsModuleServesTheSamePages: docs.list, docs.search and docs.read
// inside a script (in a worker process) return exactly what the MCP docs
// tools return, for the same policy.
func TestLuaDocsModuleServesTheSamePages(t *testing.T) {
	pages := []struct {
		lua, tool string
		args      map[string]any
	}{
		{`docs.list()`, ToolListDocs, map[string]any{}},
		{`docs.list("organizations")`, ToolListDocs, map[string]any{"namespace": "organizations"}},
		{`docs.list("guides")`, ToolListDocs, map[string]any{"namespace": "guides"}},
		{`docs.search("list users", 5)`, ToolSearchDocs, map[string]any{"query": "list users", "limit": 5}},
		{`docs.search("create organization")`, ToolSearchDocs, map[string]any{"query": "create organization"}},
		{`docs.read("organizations_find")`, ToolReadDoc, map[string]any{"page": "organizations_find"}},
		{`docs.read("app.integrations.workos.organizations_create")`, ToolReadDoc, map[string]any{"page": "app.integrations.workos.organizations_create"}},
		{`docs.read("errors")`, ToolReadDoc, map[string]any{"page": "errors"}},
		{`docs.read("overview")`, ToolReadDoc, map[string]any{"page": "overview"}},
		{`docs.read("nope")`, ToolReadDoc, map[string]any{"page": "nope"}},
	}
	for _, opts := range []runtime.Options{
		{WritePolicy: runtime.WriteDeny},
		{WritePolicy: runtime.WriteAllow, Deny: []string{"organizations_*"}},
		{WritePolicy: runtime.WriteAllow, Allow: []string{"users_*", "userland_*"}},
	} {
		rt := emulated(t, opts)
		cs := connect(t, rt, nil, nil)
		for _, p := range pages {
			want, _ := callText(t, cs, p.tool, p.args)
			res, err := rt.Run(context.Background(), runtime.Script{Source: "return " + p.lua})
			if err != nil || !res.OK {
				t.Fatalf("%s: %v %+v", p.lua, err, res.Error)
			}
			var got string
			if err := json.Unmarshal(res.Result, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("policy %+v: %s differs from %s (-tool +lua):\n%s", opts, p.lua, p.tool, diff)
			}
		}
	}
}
