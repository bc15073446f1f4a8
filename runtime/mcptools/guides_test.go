package mcptools

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/docpages"
)

// luaBlock finds the ```lua blocks of a Markdown text.
var luaBlock = regexp.MustCompile("(?s)```lua\n(.*?)```")

// TestGuideExamplesRun runs every Lua example of the guides, and the one in
// execute_lua's description, against the emulator: the docs cannot drift from
// what the runtime does.
func TestGuideExamplesRun(t *testing.T) {
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	cs := connect(t, rt, nil, nil)
	var examples []string
	for _, name := range guideNames {
		text, _ := callText(t, cs, ToolReadDoc, map[string]any{"page": name})
		for _, m := range luaBlock.FindAllStringSubmatch(text, -1) {
			examples = append(examples, "-- guide "+name+"\n"+m[1])
		}
	}
	for _, tool := range listTools(t, cs) {
		if tool.Name == ToolExecuteLua {
			_, ex, ok := strings.Cut(tool.Description, "Example:\n")
			if !ok {
				t.Fatal("execute_lua's description has no example")
			}
			examples = append(examples, "-- execute_lua description\n"+ex)
		}
	}
	if len(examples) < 6 {
		t.Fatalf("found %d examples, want at least 6", len(examples))
	}
	for _, code := range examples {
		text, res := callText(t, cs, ToolExecuteLua, map[string]any{"code": code, "args": map[string]any{"id": "org_missing"}})
		if res.IsError {
			t.Errorf("example failed:\n%s\n---\n%s", code, text)
		}
	}
}

// TestOverviewListsEveryHelper: the overview guide's helper list is built from
// the workos module's declaration, so it names every helper.
func TestOverviewListsEveryHelper(t *testing.T) {
	d := newDocs(catalog.Default(), nil, docpages.Facts{})
	text, ok := d.guide("overview")
	if !ok {
		t.Fatal("no overview guide")
	}
	for _, h := range workos.Helpers() {
		if !strings.Contains(text, "`workos."+h.Name+"(") {
			t.Errorf("the overview does not list workos.%s", h.Name)
		}
	}
}
