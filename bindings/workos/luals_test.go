package workos_test

import (
	"strings"
	"testing"

	"github.com/yuin/gopher-lua/parse"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
)

// TestLuaLS: the definition file is valid Lua 5.1 and declares the helpers,
// the argument classes and the json module.
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
	for _, want := range []string{"---@meta", "---@class workos.organizations_list.args", "function workos.organizations_list(args) end", "function json.encode(value, opts) end"} {
		if !strings.Contains(out, want) {
			t.Errorf("LuaLS output lacks %q", want)
		}
	}
}
