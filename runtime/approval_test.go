package runtime_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// scriptedApprover answers with the decisions given, in order, and records
// what it was asked.
type scriptedApprover struct {
	mu        sync.Mutex
	decisions []runtime.Decision
	asked     []string
}

func (a *scriptedApprover) Approve(_ context.Context, w runtime.PendingWrite) (runtime.Approval, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, w.Function+": "+w.Summary)
	d := runtime.Reject
	if len(a.asked) <= len(a.decisions) {
		d = a.decisions[len(a.asked)-1]
	}
	return runtime.Approval{Decision: d, By: "test"}, nil
}

const threeWrites = `local out = {}
for i = 1, 3 do
  local ok, err = pcall(workos.organizations_create, {name = "Org " .. i})
  out[#out + 1] = ok and "created" or err.kind
end
return out`

func TestAskPolicy(t *testing.T) {
	tests := []struct {
		name      string
		decisions []runtime.Decision
		want      string
		asked     int
		sent      int
	}{
		{"approve each", []runtime.Decision{runtime.ApproveOnce, runtime.ApproveOnce, runtime.ApproveOnce}, `["created","created","created"]`, 3, 3},
		{"approve all", []runtime.Decision{runtime.ApproveAll}, `["created","created","created"]`, 1, 3},
		{"reject the second", []runtime.Decision{runtime.ApproveOnce, runtime.Reject, runtime.ApproveOnce}, `["created","denied","created"]`, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap := &scriptedApprover{decisions: tt.decisions}
			rt, mc := planRuntime(t, runtime.Options{WritePolicy: runtime.WriteAsk})
			res, err := rt.Run(runtime.WithApprover(context.Background(), ap), runtime.Script{Source: threeWrites})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(res.Result)); diff != "" {
				t.Errorf("result (-want +got):\n%s (error %+v)", diff, res.Error)
			}
			if len(ap.asked) != tt.asked || mc.writes() != tt.sent {
				t.Errorf("asked %d times, sent %d writes; want %d and %d", len(ap.asked), mc.writes(), tt.asked, tt.sent)
			}
			if len(ap.asked) > 0 && !strings.Contains(ap.asked[0], `name "Org 1"`) {
				t.Errorf("the question %q does not show the arguments", ap.asked[0])
			}
		})
	}
}

func TestAskWithoutApproverIsDenied(t *testing.T) {
	rt, mc := planRuntime(t, runtime.Options{WritePolicy: runtime.WriteAllow, DestructivePolicy: runtime.WriteAsk})
	res := run(t, rt, `workos.organizations_create{name = "fine"}
workos.organizations_delete_organization{id = "org_01EHZNVPK3SFK441A1RGBFSHRT"}`, nil)
	if res.Outcome != runtime.OutcomeDenied || res.Error.Setting == nil || res.Error.Setting.Name != "DestructivePolicy" || res.Error.Setting.Value != "ask" {
		t.Fatalf("outcome %s error %+v", res.Outcome, res.Error)
	}
	if !strings.Contains(res.Error.Hint, "plan") {
		t.Errorf("hint %q does not point to plan and apply", res.Error.Hint)
	}
	if mc.writes() != 1 {
		t.Errorf("sent %d writes, want 1 (the create; the delete needs approval)", mc.writes())
	}
	// Runtime.Call asks too.
	cr, _ := rt.Call(context.Background(), "organizations_delete_organization", map[string]any{"id": "org_01EHZNVPK3SFK441A1RGBFSHRT"})
	if cr.Success || cr.Error.Kind != runtime.KindDenied || mc.writes() != 1 {
		t.Errorf("Call of a destructive function under ask without approver: %+v", cr.Error)
	}
}

func TestPoliciesAreChecked(t *testing.T) {
	for _, o := range []runtime.Options{{WritePolicy: "maybe"}, {DestructivePolicy: "sometimes"}} {
		if _, err := runtime.New(&o); err == nil || !strings.Contains(err.Error(), `"allow", "ask" or "deny"`) {
			t.Errorf("New(%+v) = %v", o, err)
		}
	}
	rt, err := runtime.New(&runtime.Options{WritePolicy: runtime.WriteDeny, DestructivePolicy: runtime.WriteAllow, Isolation: runtime.IsolationInProcess})
	if err != nil {
		t.Fatal(err)
	}
	if got := rt.Options().DestructivePolicy; got != runtime.WriteDeny {
		t.Errorf("destructive policy under write deny = %q, want deny (never laxer)", got)
	}
}
