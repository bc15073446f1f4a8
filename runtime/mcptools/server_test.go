//lint:file-ignore SA1019 these tests check the logging that clients before protocol 2026-07-28 still use

package mcptools

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// newRuntime returns a runtime with the given write policy and no network.
func newRuntime(t testing.TB, policy runtime.WritePolicy) *runtime.Runtime {
	t.Helper()
	rt, err := runtime.New(&runtime.Options{WritePolicy: policy, BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// connect serves NewServer(rt, opts) over in-memory transports and returns an
// initialized client session.
func connect(t testing.TB, rt *runtime.Runtime, opts *Options, copts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	srv := NewServer(rt, opts)
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1.0.0"}, copts)
	cs, err := client.Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs.Close()
		ss.Wait()
	})
	return cs
}

func listTools(t testing.TB, cs *mcp.ClientSession) []*mcp.Tool {
	t.Helper()
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.NextCursor != "" {
		t.Fatalf("tools/list has a next page; want one page")
	}
	return res.Tools
}

func callText(t testing.TB, cs *mcp.ClientSession, name string, args any) (string, *mcp.CallToolResult) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("CallTool(%s): %v", name, err)
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String(), res
}

func TestInitialize(t *testing.T) {
	cs := connect(t, newRuntime(t, runtime.WriteDeny), &Options{Version: "1.2.3"}, nil)
	init := cs.InitializeResult()
	got := map[string]any{
		"name":      init.ServerInfo.Name,
		"version":   init.ServerInfo.Version,
		"tools":     init.Capabilities.Tools != nil,
		"logging":   init.Capabilities.Logging != nil,
		"read-only": strings.Contains(init.Instructions, "read-only"),
	}
	want := map[string]any{"name": "kosmo-lua", "version": "1.2.3", "tools": true, "logging": true, "read-only": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("initialize mismatch (-want +got):\n%s", diff)
	}
	if err := cs.Ping(context.Background(), nil); err != nil {
		t.Errorf("ping: %v", err)
	}
}

func TestToolsPerMode(t *testing.T) {
	cat := catalog.Default()
	reads := 0
	for _, op := range cat.Operations() {
		if op.Access == catalog.Read {
			reads++
		}
	}
	all := len(cat.Operations())
	code := []string{"execute_lua", "lua_list_docs", "lua_read_doc", "lua_search_docs"}
	tests := []struct {
		name      string
		mode      Mode
		policy    runtime.WritePolicy
		wantCount int
		wantCode  bool
	}{
		{"default is code", "", runtime.WriteDeny, 4, true},
		{"code", ModeCode, runtime.WriteAllow, 4, true},
		{"functions read-only", ModeFunctions, runtime.WriteDeny, reads, false},
		{"functions allow", ModeFunctions, runtime.WriteAllow, all, false},
		{"all read-only", ModeAll, runtime.WriteDeny, reads + 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := connect(t, newRuntime(t, tt.policy), &Options{Tools: tt.mode}, nil)
			tools := listTools(t, cs)
			if len(tools) != tt.wantCount {
				t.Errorf("got %d tools, want %d", len(tools), tt.wantCount)
			}
			var gotCode []string
			for _, tool := range tools {
				if strings.HasPrefix(tool.Name, "lua_") || tool.Name == "execute_lua" {
					gotCode = append(gotCode, tool.Name)
					continue
				}
				if tt.policy == runtime.WriteDeny && !tool.Annotations.ReadOnlyHint {
					t.Errorf("%s is listed by a read-only server but is not read-only", tool.Name)
				}
			}
			var wantCode []string
			if tt.wantCode {
				wantCode = code
			}
			if diff := cmp.Diff(wantCode, gotCode); diff != "" {
				t.Errorf("code-mode tools mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToolNames(t *testing.T) {
	tests := []struct{ canonical, want string }{
		{"organizations_list", "workos_organizations_list"},
		{"authorization_role_assignments_list_role_assignments", "workos_authz_role_assigns_list_role_assigns"},
		{"authorization_group_role_assignments_replace_group_role_assignments", "workos_authz_group_role_assigns_replace"},
		{"authorization_resources_by_external_id_list_organization_memberships_for_resource_by_external_id", "workos_authz_res_by_ext_id_list_org_mships_for"},
		{"a_very_long_name_that_has_no_abbreviations_and_no_repeated_words_at_all_really", "workos_a_very_long_name_that_has_no_abbreviat_1088d2"},
	}
	for _, tt := range tests {
		if got := ToolName(tt.canonical); got != tt.want {
			t.Errorf("ToolName(%q) = %q, want %q", tt.canonical, got, tt.want)
		}
	}
	// Every catalog function: short, valid, unique.
	valid := regexp.MustCompile(`^[a-z0-9_]+$`)
	names := ToolNames(catalog.Default().Names())
	seen := map[string]string{}
	for c, n := range names {
		if len(n) > MaxToolNameLen || !valid.MatchString(n) {
			t.Errorf("tool name %q for %s: want at most %d characters of [a-z0-9_]", n, c, MaxToolNameLen)
		}
		if prev, ok := seen[n]; ok {
			t.Errorf("tool name %q is used by %s and %s", n, prev, c)
		}
		seen[n] = c
	}
	// Forced collisions get distinct hashed names.
	got := ToolNames([]string{"x_organization", "x_org"})
	if got["x_organization"] != "workos_x_organization" || got["x_org"] != "workos_x_org" {
		t.Errorf("short names changed: %v", got)
	}
}

func TestToolNamesCollisionFallback(t *testing.T) {
	// Two long names that abbreviate to the same tool name.
	long := strings.Repeat("organization_", 5)
	a, b := long+"memberships_list", long+"mships_list"
	names := ToolNames([]string{a, b})
	if names[a] == names[b] || len(names[a]) > MaxToolNameLen || len(names[b]) > MaxToolNameLen {
		t.Errorf("ToolNames(%q, %q) = %v: want two distinct names of at most %d characters", a, b, names, MaxToolNameLen)
	}
}

// TestFunctionSchemas compiles every per-function input and output schema with
// a strict draft 2020-12 validator and checks the annotations.
func TestFunctionSchemas(t *testing.T) {
	cs := connect(t, newRuntime(t, runtime.WriteAllow), &Options{Tools: ModeFunctions}, nil)
	tools := listTools(t, cs)
	compile := func(name string, schema any) {
		t.Helper()
		b, _ := json.Marshal(schema)
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		if err := c.AddResource("schema.json", doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := c.Compile("schema.json"); err != nil {
			t.Errorf("%s: schema does not compile: %v", name, err)
		}
		if strings.Contains(string(b), `"example"`) && !strings.Contains(string(b), `"example":{`) {
			// "example" as a property name is fine; as a keyword it is not.
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			if hasKeyword(m, "example") {
				t.Errorf("%s: schema keeps the OpenAPI keyword example", name)
			}
		}
	}
	byName := map[string]*mcp.Tool{}
	for _, tool := range tools {
		byName[tool.Name] = tool
		compile(tool.Name+" input", tool.InputSchema)
		if tool.OutputSchema != nil {
			compile(tool.Name+" output", tool.OutputSchema)
			if tool.OutputSchema.(map[string]any)["type"] != "object" {
				t.Errorf("%s: output schema type is not object", tool.Name)
			}
		}
	}
	type hints struct {
		ReadOnly, Idempotent bool
		Destructive          *bool
		Required             []any
	}
	tests := []struct {
		tool string
		want hints
	}{
		{"workos_organizations_list", hints{ReadOnly: true, Idempotent: true}},
		{"workos_organizations_create", hints{Destructive: boolPtr(false), Required: []any{"name"}}},
		{"workos_organizations_delete_organization", hints{Destructive: boolPtr(true), Idempotent: true, Required: []any{"id"}}},
	}
	for _, tt := range tests {
		tool := byName[tt.tool]
		if tool == nil {
			t.Errorf("no tool %s", tt.tool)
			continue
		}
		req, _ := tool.InputSchema.(map[string]any)["required"].([]any)
		got := hints{tool.Annotations.ReadOnlyHint, tool.Annotations.IdempotentHint, tool.Annotations.DestructiveHint, req}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s hints mismatch (-want +got):\n%s", tt.tool, diff)
		}
	}
	// The list response has an output schema with its data array.
	out, _ := byName["workos_organizations_list"].OutputSchema.(map[string]any)
	if props, _ := out["properties"].(map[string]any); props["data"] == nil {
		t.Errorf("workos_organizations_list output schema has no data property: %v", out)
	}
}

// hasKeyword reports whether a schema uses kw as a keyword (not as a property name).
func hasKeyword(s map[string]any, kw string) bool {
	for k, v := range s {
		if k == kw {
			return true
		}
		switch vv := v.(type) {
		case map[string]any:
			if k == "properties" || k == "patternProperties" {
				for _, sub := range vv {
					if m, ok := sub.(map[string]any); ok && hasKeyword(m, kw) {
						return true
					}
				}
			} else if hasKeyword(vv, kw) {
				return true
			}
		case []any:
			for _, sub := range vv {
				if m, ok := sub.(map[string]any); ok && hasKeyword(m, kw) {
					return true
				}
			}
		}
	}
	return false
}

// TestNewServerRefusesUnknownChoices: an embedder's misspelt mode panics with
// the parser's message, which lists the choices.
func TestNewServerRefusesUnknownChoices(t *testing.T) {
	rt := newRuntime(t, runtime.WriteDeny)
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{Tools: "some"}, `unknown tools mode "some"; use "code", "functions" or "all"`},
		{Options{ResultFormat: "json"}, `unknown result format "json"`},
		{Options{ResultLinks: "sometimes"}, `unknown result links mode "sometimes"`},
	} {
		func() {
			defer func() {
				if p, _ := recover().(string); !strings.Contains(p, tt.want) {
					t.Errorf("NewServer(%+v) panicked with %q, want %q", tt.opts, p, tt.want)
				}
			}()
			NewServer(rt, &tt.opts)
		}()
	}
}
