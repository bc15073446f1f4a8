package mcptools

import (
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

func TestDocsTools(t *testing.T) {
	deny := connect(t, newRuntime(t, runtime.WriteDeny), nil, nil)
	allow := connect(t, newRuntime(t, runtime.WriteAllow), nil, nil)
	tests := []struct {
		name      string
		allow     bool // use the server that allows writes
		tool      string
		args      map[string]any
		wantError bool
		want      []string // substrings
		notWant   []string
	}{
		{"index read-only", false, "lua_list_docs", nil, false,
			[]string{"- organizations: ", "organizations_list", "Guides (lua_read_doc): overview, errors", "read-only"},
			[]string{"organizations_create", "organizations_delete_organization"}},
		{"index with writes", true, "lua_list_docs", map[string]any{}, false,
			[]string{"organizations_create", "organizations_delete_organization"}, []string{"read-only"}},
		{"one group", false, "lua_list_docs", map[string]any{"namespace": "organizations"}, false,
			[]string{"# organizations (", "- organizations_list — ", "[read]"}, []string{"[write]"}},
		{"group prefix", false, "lua_list_docs", map[string]any{"namespace": "user-management"}, false,
			[]string{"# user-management.users (", "userland_users_list_0"}, nil},
		{"guides", false, "lua_list_docs", map[string]any{"namespace": "guides"}, false,
			[]string{"pagination", "limits"}, nil},
		{"unknown namespace", false, "lua_list_docs", map[string]any{"namespace": "nope"}, false,
			[]string{`Namespace "nope" not found`, "organizations"}, nil},
		{"search", false, "lua_search_docs", map[string]any{"query": "list organizations", "limit": 3}, false,
			[]string{"3 matches", "- workos.organizations_list{"}, nil},
		{"search hides writes", false, "lua_search_docs", map[string]any{"query": "create organization"}, false,
			nil, []string{"organizations_create{"}},
		{"search points to a guide", false, "lua_search_docs", map[string]any{"query": "how to paginate"}, false,
			[]string{"Guides mentioning it: pagination"}, []string{"errors"}},
		{"search nothing", false, "lua_search_docs", map[string]any{"query": "zzqx"}, false,
			[]string{"No functions match"}, nil},
		{"function page", false, "lua_read_doc", map[string]any{"page": "organizations_list"}, false,
			[]string{"# workos.organizations_list", "## Signature", "## Example"}, []string{"Not callable"}},
		{"kosmokrator prefix", false, "lua_read_doc", map[string]any{"page": "app.integrations.workos.organizations_list"}, false,
			[]string{"# workos.organizations_list"}, nil},
		{"seed name", false, "lua_read_doc", map[string]any{"page": "workos_organizations_list"}, false,
			[]string{"# workos.organizations_list"}, nil},
		{"denied function page", false, "lua_read_doc", map[string]any{"page": "organizations_create"}, false,
			[]string{"> Not callable on this server: its policy refuses organizations_create (write)", "# workos.organizations_create"}, nil},
		{"group page", false, "lua_read_doc", map[string]any{"page": "organizations"}, false,
			[]string{"# organizations (", "## Signatures", "`workos.organizations_list{"}, nil},
		{"guide", false, "lua_read_doc", map[string]any{"page": "pagination"}, false,
			[]string{"# pagination", "workos.paginate"}, nil},
		{"limits guide shows the cap", false, "lua_read_doc", map[string]any{"page": "limits"}, false,
			[]string{"| 50000 bytes |", "| 30s |", "| 64 MiB |", "| 100 |", "read-only"}, []string{"{{"}},
		{"overview", false, "lua_read_doc", map[string]any{"page": "overview"}, false,
			[]string{"# overview", "workos.organizations_list{limit = 10}"}, []string{"{{"}},
		{"unknown page", false, "lua_read_doc", map[string]any{"page": "organisations_lst"}, true,
			[]string{`Page "organisations_lst" not found`, "organizations_list", "Guides: overview"}, nil},
		{"unknown page, nothing close", false, "lua_read_doc", map[string]any{"page": "nope"}, true,
			[]string{`Page "nope" not found, and no page name is close to it`, "Guides: overview", "lua_list_docs"}, []string{"Closest pages: ."}},
		{"errors guide lists the kinds", false, "lua_read_doc", map[string]any{"page": "errors"}, false,
			[]string{"| output_limit | limit_exceeded |", "| worker_crashed | error |"}, []string{"{{"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := deny
			if tt.allow {
				cs = allow
			}
			text, res := callText(t, cs, tt.tool, tt.args)
			if res.IsError != tt.wantError {
				t.Errorf("isError = %v, want %v", res.IsError, tt.wantError)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s(%v) does not contain %q:\n%s", tt.tool, tt.args, w, text)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(text, w) {
					t.Errorf("%s(%v) contains %q:\n%s", tt.tool, tt.args, w, text)
				}
			}
		})
	}
}

// TestDocsArgumentValidation: the SDK validates code-mode inputs against the
// declared schemas.
func TestDocsArgumentValidation(t *testing.T) {
	cs := connect(t, newRuntime(t, runtime.WriteDeny), nil, nil)
	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"lua_search_docs", map[string]any{}},
		{"lua_search_docs", map[string]any{"query": "x", "limit": 500}},
		{"lua_read_doc", map[string]any{"page": 3}},
		{"execute_lua", map[string]any{"code": "return 1", "timeout_ms": -5}},
	} {
		text, res := callText(t, cs, tc.tool, tc.args)
		if !res.IsError {
			t.Errorf("%s(%v): want a validation error, got %s", tc.tool, tc.args, text)
		}
	}
}
