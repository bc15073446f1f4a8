package mcptools

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

var testPlanKey = []byte("0123456789abcdef0123456789abcdef")

// threeCreates makes three organizations, each in a pcall, and says what
// became of each.
const threeCreates = `local out = {}
for i = 1, 3 do
  local ok, err = pcall(workos.organizations_create, {name = args.prefix .. " " .. i})
  out[#out + 1] = ok and "created" or err.kind
end
return out`

const countOrgs = `local n = 0
for org in workos.paginate("organizations_list", {limit = 100}) do
  if org.name:find(args.prefix, 1, true) == 1 then n = n + 1 end
end
return n`

// elicitingClient answers elicitations with the decisions given, in
// order, and records the questions.
type elicitingClient struct {
	mu        sync.Mutex
	decisions []string
	questions []string
}

func (c *elicitingClient) handle(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.questions = append(c.questions, req.Params.Message)
	d := "reject"
	if len(c.questions) <= len(c.decisions) {
		d = c.decisions[len(c.questions)-1]
	}
	if d == "decline" {
		return &mcp.ElicitResult{Action: "decline"}, nil
	}
	return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"decision": d}}, nil
}

func execLua(t *testing.T, cs *mcp.ClientSession, code string, args any) map[string]any {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: ToolExecuteLua, Arguments: map[string]any{"code": code, "args": args}})
	if err != nil {
		t.Fatalf("execute_lua: %v", err)
	}
	return envelope(t, res)
}

func resultJSON(t *testing.T, env map[string]any) string {
	t.Helper()
	b, _ := json.Marshal(env["result"])
	return string(b)
}

func TestAskWithElicitation(t *testing.T) {
	tests := []struct {
		name      string
		protocol  string // "" is the SDK's latest (multi-round-trip)
		decisions []string
		want      string
		outcome   string
		questions int
		created   string
	}{
		{"classic approve each", "2025-11-25", []string{"approve", "approve", "approve"}, `["created","created","created"]`, "completed", 3, "3"},
		{"classic reject the second", "2025-11-25", []string{"approve", "reject", "approve"}, `["created","denied","created"]`, "completed", 3, "2"},
		{"classic approve all", "2025-11-25", []string{"approve_all"}, `["created","created","created"]`, "completed", 1, "3"},
		{"classic decline", "2025-11-25", []string{"decline", "decline", "decline"}, `["denied","denied","denied"]`, "completed", 3, "0"},
		{"round trip approve the plan", "", []string{"approve"}, `["created","created","created"]`, "completed", 1, "3"},
		{"round trip reject the plan", "", []string{"reject"}, `null`, "denied", 1, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteAsk, PlanKey: testPlanKey})
			ec := &elicitingClient{decisions: tt.decisions}
			cs := connectVersion(t, rt, &mcp.ClientOptions{ElicitationHandler: ec.handle}, tt.protocol)
			args := map[string]any{"prefix": "Elicited"}
			env := execLua(t, cs, threeCreates, args)
			if env["outcome"] != tt.outcome || resultJSON(t, env) != tt.want {
				t.Errorf("outcome %v result %s; want %s %s (error %v)", env["outcome"], resultJSON(t, env), tt.outcome, tt.want, env["error"])
			}
			if len(ec.questions) != tt.questions {
				t.Errorf("asked %d questions, want %d: %q", len(ec.questions), tt.questions, ec.questions)
			}
			if len(ec.questions) > 0 && !strings.Contains(ec.questions[0], `name "Elicited 1"`) {
				t.Errorf("the question does not show the write: %q", ec.questions[0])
			}
			if got := resultJSON(t, execLua(t, cs, countOrgs, args)); got != tt.created {
				t.Errorf("organizations created: %s, want %s", got, tt.created)
			}
		})
	}
}

func TestAskWithoutElicitationNeedsApproval(t *testing.T) {
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteAsk, PlanKey: testPlanKey})
	cs := connect(t, rt, nil, nil)
	args := map[string]any{"prefix": "Planned"}
	env := execLua(t, cs, threeCreates, args)
	if env["outcome"] != string(OutcomeNeedsApproval) {
		t.Fatalf("outcome %v, want needs_approval (error %v)", env["outcome"], env["error"])
	}
	plan, ok := env["plan"].(map[string]any)
	if !ok {
		t.Fatalf("no plan in the envelope: %v", env)
	}
	if writes, _ := plan["writes"].([]any); len(writes) != 3 {
		t.Fatalf("plan writes: %v", plan["writes"])
	}
	if got := resultJSON(t, execLua(t, cs, countOrgs, args)); got != "0" {
		t.Fatalf("needs_approval wrote %s organizations", got)
	}
	text, _ := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: ToolExecuteLua, Arguments: map[string]any{"code": threeCreates, "args": args}})
	if text.IsError {
		t.Error("needs_approval is marked isError")
	}
	if s := text.Content[0].(*mcp.TextContent).Text; !strings.Contains(s, "outcome: needs_approval") || !strings.Contains(s, `3. Create an Organization: name "Planned 3"`) {
		t.Errorf("the text form does not list the plan:\n%s", s)
	}
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: ToolApplyPlan, Arguments: map[string]any{"plan": plan}})
	if err != nil {
		t.Fatal(err)
	}
	applied := envelope(t, res)
	if applied["outcome"] != "completed" || resultJSON(t, applied) != `["created","created","created"]` {
		t.Fatalf("apply_plan: %v", applied)
	}
	if got := resultJSON(t, execLua(t, cs, countOrgs, args)); got != "3" {
		t.Errorf("after apply_plan: %s organizations, want 3", got)
	}
	// A changed plan does not verify.
	plan["writes"].([]any)[0].(map[string]any)["arguments"] = map[string]any{"name": "Other"}
	res, _ = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: ToolApplyPlan, Arguments: map[string]any{"plan": plan}})
	if env := envelope(t, res); env["outcome"] != "denied" {
		t.Errorf("a changed plan: %v", env)
	}
}

func TestExecuteLuaReadOnlyHint(t *testing.T) {
	for _, tt := range []struct {
		policy runtime.WritePolicy
		want   bool
	}{{runtime.WriteDeny, true}, {runtime.WriteAsk, false}, {runtime.WriteAllow, false}} {
		rt := emulated(t, runtime.Options{WritePolicy: tt.policy, PlanKey: testPlanKey})
		cs := connect(t, rt, nil, nil)
		var got *bool
		names := []string{}
		for _, tool := range listTools(t, cs) {
			names = append(names, tool.Name)
			if tool.Name == ToolExecuteLua {
				ro := tool.Annotations.ReadOnlyHint
				got = &ro
			}
		}
		if got == nil || *got != tt.want {
			t.Errorf("write %s: execute_lua readOnlyHint = %v, want %v", tt.policy, got, tt.want)
		}
		hasApply := strings.Contains(strings.Join(names, ","), ToolApplyPlan)
		if diff := cmp.Diff(tt.policy == runtime.WriteAsk, hasApply); diff != "" {
			t.Errorf("write %s: apply_plan offered = %v", tt.policy, hasApply)
		}
	}
}

// connectVersion is connect with the client's protocol version ("" for
// the SDK's latest).
func connectVersion(t *testing.T, rt *runtime.Runtime, copts *mcp.ClientOptions, version string) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := NewServer(rt, nil).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "eliciting-client", Version: "1.0.0"}, copts).Connect(ctx, ct, &mcp.ClientSessionOptions{ProtocolVersion: version})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs.Close()
		ss.Wait()
	})
	return cs
}
