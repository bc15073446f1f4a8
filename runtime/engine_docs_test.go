package runtime_test

import (
	"strings"
	"testing"

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
