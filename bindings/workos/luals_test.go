package workos_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/gopher-lua/parse"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestLuaLS: the definition file is valid Lua 5.1 and declares the helpers,
// the argument classes, the result classes and the json module.
func TestLuaLS(t *testing.T) {
	out := workos.LuaLS(catalog.Default(), "test")
	// The definition file must itself be valid Lua 5.1 for editors to load it.
	if _, err := parse.Parse(strings.NewReader(out), "workos.d.lua"); err != nil {
		t.Fatalf("LuaLS output is not valid Lua: %v", err)
	}
	for _, h := range workos.Helpers() {
		if !strings.Contains(out, "function workos."+h.Name+"(") {
			t.Errorf("LuaLS output lacks the helper %s", h.Name)
		}
	}
	for _, want := range []string{
		"---@meta",
		"---@class workos.organizations_list.args",
		"function workos.organizations_list(args) end",
		"function json.encode(value, opts) end",
		// Results: a list class whose items are a component class, with
		// nested objects, enums and nullability.
		"---@return workos.OrganizationList\nfunction workos.organizations_list(args) end",
		"---@field data workos.Organization[] ",
		"---@field list_metadata workos.ListMetadata ",
		"---@field domains workos.OrganizationDomainStandAlone[] ",
		"---@field external_id string|nil ",
		// A oneOf's variants are named by their discriminating constant.
		"---@field owner workos.ApiKey.owner.organization|workos.ApiKey.owner.user ",
		// Request bodies: nested objects of the body are classes too.
		"---@field domain_data? workos.organizations_create.args.domain_data[] ",
		"---@field state \"pending\"|\"verified\" ",
		// paginate and list_all type the items of each paginated function.
		"---@overload fun(name: \"organizations_list\", args?: workos.organizations_list.args, opts?: {max_items?: integer, max_pages?: integer}): fun(): workos.Organization\n",
		"---@overload fun(name: \"organizations_list\", args?: workos.organizations_list.args, opts?: {max_items?: integer, max_pages?: integer}): workos.Organization[], string?\n",
		// Named accounts: workos.<account> is the module again.
		"---@field [string] workos\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("LuaLS output lacks %q", want)
		}
	}
}

// TestLuaLSEveryFunctionHasATypedReturn: no function of the catalog returns
// a bare table; each names a class (or a union or array of classes).
func TestLuaLSEveryFunctionHasATypedReturn(t *testing.T) {
	cat := catalog.Default()
	out := workos.LuaLS(cat, "test")
	ret := regexp.MustCompile(`(?m)^---@return (.+)\nfunction workos\.([a-z0-9_]+)\(args\) end$`)
	got := map[string]string{}
	for _, m := range ret.FindAllStringSubmatch(out, -1) {
		got[m[2]] = m[1]
	}
	for _, name := range cat.Names() {
		r, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: no function declaration with a @return", name)
		case !strings.HasPrefix(r, "workos."):
			t.Errorf("%s returns %q, want a result class", name, r)
		}
		if ok && !strings.Contains(out, "---@class "+strings.TrimSuffix(strings.SplitN(r, "|", 2)[0], "[]")+"\n") {
			t.Errorf("%s returns %q, whose class is not defined", name, r)
		}
	}
}

// TestLuaLSSize bounds the definition file: editors load it on every start,
// and a runaway in the class naming or deduplication shows here first.
func TestLuaLSSize(t *testing.T) {
	out := workos.LuaLS(catalog.Default(), "test")
	if n := len(out); n > 512<<10 {
		t.Errorf("LuaLS output is %d bytes, over the 512 KiB budget", n)
	}
	if n := strings.Count(out, "---@class "); n > 800 {
		t.Errorf("LuaLS output has %d classes, over 800: is deduplication by shape broken?", n)
	}
}

// TestLuaLSDeterministic: two renderings are byte-identical (classes and
// fields come out sorted; generated names do not depend on map order).
func TestLuaLSDeterministic(t *testing.T) {
	a := workos.LuaLS(catalog.Default(), "test")
	b := workos.LuaLS(catalog.Default(), "test")
	if a != b {
		t.Fatal("two renderings of the definition file differ")
	}
}

// TestLuaLSGolden pins the definitions of a few functions (a list, a get, a
// create with a nested body, a delete without a response body) so a change in
// the output shows in review. Rewrite with go test -run TestLuaLSGolden -update.
func TestLuaLSGolden(t *testing.T) {
	full := catalog.Default()
	var ops []*catalog.Operation
	for _, name := range []string{"organizations_list", "organizations_find", "organizations_create", "organizations_delete_organization"} {
		op, err := full.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, op)
	}
	cat, err := catalog.New(ops)
	if err != nil {
		t.Fatal(err)
	}
	got := workos.LuaLS(cat, "test")
	path := filepath.Join("testdata", "luals.golden.lua")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestLuaLSGolden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("LuaLS output differs from %s (-want +got):\n%s", path, diff)
	}
}

// TestLuaLSReferencesAreDefined: every class a field, parameter or return
// names is defined in the file, so no type resolves to unknown in an editor.
func TestLuaLSReferencesAreDefined(t *testing.T) {
	out := workos.LuaLS(catalog.Default(), "test")
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^---@class (\S+)$`).FindAllStringSubmatch(out, -1) {
		defined[m[1]] = true
	}
	typeLine := regexp.MustCompile(`(?m)^---@(?:field \S+ (\S+)|param \S+ (\S+)|return (\S+)|overload (.+)$)`)
	ref := regexp.MustCompile(`workos\.[A-Za-z0-9_.]+`)
	missing := map[string]bool{}
	for _, m := range typeLine.FindAllStringSubmatch(out, -1) {
		for _, r := range ref.FindAllString(strings.Join(m[1:], " "), -1) {
			if !defined[r] {
				missing[r] = true
			}
		}
	}
	for r := range missing {
		t.Errorf("type %s is used but not defined", r)
	}
}
