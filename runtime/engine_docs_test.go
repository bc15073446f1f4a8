package runtime_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestDocsModule: docs.* work in both isolations, follow the policy and
// refuse oversized arguments.
func TestDocsModule(t *testing.T) {
	for _, iso := range []runtime.Isolation{runtime.IsolationInProcess, runtime.IsolationProcess} {
		rt, _ := newRuntime(t, &runtime.Options{Isolation: iso, WritePolicy: runtime.WriteDeny})
		res := run(t, rt, `return {docs.list(), docs.search("create organization"), docs.read("organizations_create"), docs.read("limits")}`, nil)
		if !res.OK {
			t.Fatalf("%s: %+v", iso, res.Error)
		}
		out := string(res.Result)
		for _, want := range []string{"# workos: ", "read-only", "Not callable on this server", "# limits"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: docs pages lack %q:\n%.600s", iso, want, out)
			}
		}
		if res := run(t, rt, `return docs.search("create organization")`, nil); strings.Contains(string(res.Result), "organizations_create{") {
			t.Errorf("%s: a read-only run's search lists organizations_create: %s", iso, res.Result)
		}
		for _, src := range []string{`return docs.read(string.rep("x", 5000))`, `return docs.search("users", 500)`, `return docs.search()`} {
			res := run(t, rt, src, nil)
			if res.OK || res.Error == nil || res.Error.Kind != runtime.KindRuntime {
				t.Errorf("%s: %s: %+v, want a runtime_error", iso, src, res.Error)
			}
		}
	}
}

// TestDocsReadServesTheGuides: docs.read of every guide is the text
// Runtime.Guide renders for the same runtime, in both isolations.
func TestDocsReadServesTheGuides(t *testing.T) {
	for _, iso := range []runtime.Isolation{runtime.IsolationInProcess, runtime.IsolationProcess} {
		rt, _ := newRuntime(t, &runtime.Options{Isolation: iso, MaxCalls: 7})
		for _, name := range runtime.GuideNames() {
			want, ok := rt.Guide(name)
			if !ok {
				t.Fatalf("Runtime.Guide(%q) missing", name)
			}
			res := run(t, rt, `return docs.read(args.page)`, map[string]any{"page": name})
			var got string
			if err := json.Unmarshal(res.Result, &got); err != nil || !res.OK {
				t.Fatalf("%s: docs.read(%q): %v %+v", iso, name, err, res.Error)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: docs.read(%q) differs from Runtime.Guide (-want +got):\n%s", iso, name, diff)
			}
		}
		if limits, _ := rt.Guide("limits"); !strings.Contains(limits, "| 7 |") {
			t.Errorf("the limits guide does not show the runtime's MaxCalls 7:\n%s", limits)
		}
	}
}
