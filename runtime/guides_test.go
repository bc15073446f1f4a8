package runtime_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// scriptGlobals lists what a script really sees: every global and, for a
// table, its keys (library proxies list through pairs).
const scriptGlobals = `
local out = {}
for k, v in pairs(_G) do
  local members = {}
  if type(v) == "table" and k ~= "_G" then
    for m in pairs(v) do members[#members + 1] = tostring(m) end
  end
  out[k] = members
end
return out`

// TestGuidesMatchTheRuntime: the guides name every global a script sees and
// every error kind the runtime reports, and no lib.member or kind that does
// not exist.
func TestGuidesMatchTheRuntime(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	res := run(t, rt, scriptGlobals, nil)
	if !res.OK {
		t.Fatalf("listing globals: %+v", res.Error)
	}
	var live map[string][]string
	if err := json.Unmarshal(res.Result, &live); err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, name := range runtime.GuideNames() {
		text, ok := runtime.Guide(name)
		if !ok {
			t.Fatalf("guide %q is listed but missing", name)
		}
		all.WriteString(text)
	}
	guides := all.String()
	overview, _ := runtime.Guide("overview")

	// Omissions: every global and library member appears in the overview.
	for name, members := range live {
		if strings.HasPrefix(name, "_") {
			continue
		}
		if !strings.Contains(overview, "`"+name+"`") && !regexp.MustCompile(`\b`+name+`\b`).MatchString(overview) {
			t.Errorf("the overview does not name the global %s", name)
		}
		if name == "workos" || name == "app" {
			continue // the functions are the catalog's; helpers are checked in mcptools
		}
		for _, m := range members {
			if !regexp.MustCompile(`\b` + regexp.QuoteMeta(m) + `\b`).MatchString(overview) {
				t.Errorf("the overview does not list %s.%s", name, m)
			}
		}
	}

	// Inventions: every lib.member a guide names exists.
	ref := regexp.MustCompile(`\b(string|table|math|coroutine|os|json|regex|docs|package|io|debug)\.([A-Za-z_]+)`)
	for _, m := range ref.FindAllStringSubmatch(guides, -1) {
		members, ok := live[m[1]]
		if !ok || !slices.Contains(members, m[2]) {
			t.Errorf("a guide names %s.%s, which scripts do not have", m[1], m[2])
		}
	}

	// Kinds: every kind is in the errors guide; every kind-like word is a kind.
	errorsGuide, _ := runtime.Guide("errors")
	kinds := map[string]bool{}
	for _, k := range runtime.ErrorKinds() {
		kinds[k.Kind] = true
		if !strings.Contains(errorsGuide, "| "+k.Kind+" |") {
			t.Errorf("the errors guide does not list kind %s", k.Kind)
		}
	}
	kindLike := regexp.MustCompile("(?:kind|kinds|error) `([a-z_]+)`|\\b([a-z]+(?:_[a-z]+)*_(?:error|limit|overflow|crashed))\\b")
	for _, m := range kindLike.FindAllStringSubmatch(guides, -1) {
		k := m[1] + m[2]
		if !kinds[k] {
			t.Errorf("a guide names error kind %q, which the runtime does not report", k)
		}
	}
}
