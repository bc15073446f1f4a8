package runtime

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
)

func TestPreflight(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		name string
		src  string
		want *ErrorInfo // only Kind, Line, Column, Function compared; nil = passes
	}{
		{"known canonical", "return workos.organizations_list{limit = 1}", nil},
		{"known seed name", "return workos.workos_organizations_list({})", nil},
		{"kosmokrator path", "local w = app.integrations.workos\nreturn app.integrations.workos.workos_organizations_list({})", nil},
		{"account path", "return app.integrations.workos.default.organizations_list({})", nil},
		{"title alias", "return workos.validate_api_key{value = 'x'}", nil},
		{"helpers", "for o in workos.paginate('organizations_list', {}) do end\nlocal n = workos.null\nreturn workos.batch({}), workos.call('organizations_list', {})", nil},
		{"typo in call", "return workos.call('organizations_lst', {})", &ErrorInfo{Kind: KindUnknownFunction, Line: 1, Column: 21, Function: "organizations_lst"}},
		{"typo", "local x = 1\nlocal orgs = workos.organisations_list{}", &ErrorInfo{Kind: KindUnknownFunction, Line: 2, Column: 21, Function: "organisations_list"}},
		{"typo via kosmokrator path", "return app.integrations.workos.workos_organisations_list({})", &ErrorInfo{Kind: KindUnknownFunction, Line: 1, Column: 32, Function: "workos_organisations_list"}},
		{"typo in paginate", "\n\nfor u in workos.paginate('userland_users_lst', {}) do end", &ErrorInfo{Kind: KindUnknownFunction, Line: 3, Column: 27, Function: "userland_users_lst"}},
		{"kosmokrator account path", "return app.integrations.workos.work.organizations_list{}", &ErrorInfo{Kind: KindUnknownFunction, Line: 1, Column: 32, Function: "work"}},
		{"local shadowing workos", "local workos = {count = 1}\nreturn workos.count", nil},
		{"parameter shadowing app", "local function f(app) return app.integrations.workos.nope end\nreturn 1", nil},
		{"workos.default", "return workos.default.organizations_list{}", nil},
		{"typo after workos.default", "return workos.default.organisations_list{}", &ErrorInfo{Kind: KindUnknownFunction, Line: 1, Column: 23, Function: "organisations_list"}},
		{"ambiguous alias", "return workos.list_groups{}", &ErrorInfo{Kind: KindUnknownFunction, Line: 1, Column: 15, Function: "list_groups"}},
		{"syntax", "local x = \nreturn (", &ErrorInfo{Kind: KindSyntax, Line: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := preflight(func() *catalog.Catalog { return cat }, "script", tt.src, nil)
			if tt.want == nil {
				if got != nil {
					t.Fatalf("preflight = %+v, want pass", got)
				}
				return
			}
			if got == nil {
				t.Fatal("preflight passed, want an error")
			}
			trimmed := &ErrorInfo{Kind: got.Kind, Line: got.Line, Column: got.Column, Function: got.Function}
			if tt.want.Kind == KindSyntax {
				trimmed.Column = 0
			}
			if diff := cmp.Diff(tt.want, trimmed); diff != "" {
				t.Errorf("preflight mismatch (-want +got):\n%s\nmessage: %s", diff, got.Message)
			}
			if got.Message == "" || got.Hint == "" {
				t.Errorf("error lacks a message or hint: %+v", got)
			}
		})
	}
	_, got := preflight(func() *catalog.Catalog { return cat }, "script", "return workos.organisations_list{}", nil)
	if !strings.Contains(got.Message, "did you mean organizations_list") {
		t.Errorf("message %q lacks the closest match", got.Message)
	}
	_, got = preflight(func() *catalog.Catalog { return cat }, "script", "return app.integrations.workos.work.organizations_list{}", nil)
	if !strings.Contains(got.Message, `unknown account "work"`) || !strings.Contains(got.Message, "configured accounts are: default") || got.Setting == nil || *got.Setting != (Setting{Name: "Account", Value: "work"}) || strings.Contains(got.Hint, "--") {
		t.Errorf("account path: %+v", got)
	}
	_, got = preflight(func() *catalog.Catalog { return cat }, "script", "return workos.list_groups{}", nil)
	if !strings.Contains(got.Message, "ambiguous") {
		t.Errorf("message %q does not explain the ambiguity", got.Message)
	}
}

// TestPreflightAccounts checks the named-account paths: a configured account
// is checked like workos itself, an unknown one lists the configured ones.
func TestPreflightAccounts(t *testing.T) {
	cat := catalog.Default()
	catFn := func() *catalog.Catalog { return cat }
	accounts := []string{"prod", "staging"}
	ok := []string{
		"return workos.staging.organizations_list{}",
		"return app.integrations.workos.prod.organizations_create{name = 'x'}",
		"local p = workos.prod; return p",
		"return workos.prod.paginate('organizations_list')",
		"return workos.default.organizations_list{}",
	}
	for _, src := range ok {
		if _, info := preflight(catFn, "script", src, accounts); info != nil {
			t.Errorf("%s: %+v", src, info)
		}
	}
	tests := []struct{ src, want string }{
		{"return workos.staging.organisations_list{}", "did you mean organizations_list"},
		{"return workos.prod.paginate('organisations_list')", "did you mean organizations_list"},
		{"return app.integrations.workos.stagign.organizations_list{}", `unknown account "stagign"`},
	}
	for _, tt := range tests {
		_, info := preflight(catFn, "script", tt.src, accounts)
		if info == nil || !strings.Contains(info.Message, tt.want) {
			t.Errorf("%s: got %+v, want a message with %q", tt.src, info, tt.want)
		}
	}
	_, info := preflight(catFn, "script", "return workos.stagign.organizations_list{}", accounts)
	if info == nil || !strings.Contains(info.Message, "default, prod, staging") {
		t.Errorf("unknown account: %+v", info)
	}
}

func TestLineOf(t *testing.T) {
	tests := []struct {
		msg  string
		want int
	}{
		{"script:12: attempt to index a nil value", 12},
		{"could not reach host:8080: refused", 0},
		{"stack traceback:\n\t[G]: in function 'error'\n\tscript:3: in main chunk\n\t[G]: ?", 3},
		{"<string>:4: other chunk", 0},
	}
	for _, tt := range tests {
		if got := lineOf(tt.msg, "script"); got != tt.want {
			t.Errorf("lineOf(%q) = %d, want %d", tt.msg, got, tt.want)
		}
	}
}

// TestPreflightKnowsEveryHelper: pre-flight accepts every member the workos
// module declares, and checks the literal name given to those that take one.
func TestPreflightKnowsEveryHelper(t *testing.T) {
	cat := func() *catalog.Catalog { return catalog.Default() }
	for _, h := range workos.Helpers() {
		if _, info := preflight(cat, "script", "local f = workos."+h.Name, nil); info != nil {
			t.Errorf("workos.%s: %+v", h.Name, info)
		}
		_, info := preflight(cat, "script", "workos."+h.Name+`("organisations_lst")`, nil)
		if got := info != nil && info.Kind == KindUnknownFunction; got != h.TakesName {
			t.Errorf("workos.%s(typo): refused=%v, want %v (TakesName)", h.Name, got, h.TakesName)
		}
	}
	for _, v := range workos.Values() {
		if _, info := preflight(cat, "script", "local v = workos."+v, nil); info != nil {
			t.Errorf("workos.%s: %+v", v, info)
		}
	}
}
