package workos

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
)

// TestHelpersMatchTheirImplementations: the module implements exactly the
// declared helpers, and a state exposes each of them and each value.
func TestHelpersMatchTheirImplementations(t *testing.T) {
	var declared, implemented []string
	for _, h := range Helpers() {
		declared = append(declared, h.Name)
	}
	for name := range (&state{}).helperFunctions() {
		implemented = append(implemented, name)
	}
	sort.Strings(declared)
	sort.Strings(implemented)
	if diff := cmp.Diff(declared, implemented); diff != "" {
		t.Fatalf("declared helpers vs implemented (-declared +implemented):\n%s", diff)
	}
	L := lua.NewState()
	defer L.Close()
	mod := (&Module{Caller: &api.Executor{}}).NewTable(L)
	for _, name := range append(declared, Values()...) {
		if L.GetField(mod, name) == lua.LNil {
			t.Errorf("workos.%s is nil", name)
		}
		if !IsMember(name) {
			t.Errorf("IsMember(%q) is false", name)
		}
	}
}
