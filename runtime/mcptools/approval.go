package mcptools

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// ToolApplyPlan is the tool that applies a plan a client's user approved
// (offered when the runtime's policy asks before writes).
const ToolApplyPlan = "apply_plan"

// OutcomeNeedsApproval is the outcome of an execute_lua run whose writes
// need a person's approval and whose client cannot ask (no elicitation):
// nothing was written, and the envelope's plan is what to show the user
// before calling apply_plan.
const OutcomeNeedsApproval runtime.Outcome = "needs_approval"

// The elicitation answers.
const (
	decisionApprove    = "approve"
	decisionApproveAll = "approve_all"
	decisionReject     = "reject"
	// inputApproval labels the multi-round-trip input request.
	inputApproval = "approve_plan"
	// multiRoundTripVersion is the first protocol whose clients answer
	// input requests themselves.
	multiRoundTripVersion = "2026-07-28"
)

// approvalMode is how a session's client can approve writes.
type approvalMode int

const (
	approvalNone      approvalMode = iota // no elicitation: plan, needs_approval, apply_plan
	approvalElicit                        // ServerSession.Elicit for each write
	approvalRoundTrip                     // one input request for the whole plan
)

// approvalModeOf says how req's client can approve writes.
func approvalModeOf(req *mcp.CallToolRequest) approvalMode {
	if req == nil || req.Session == nil {
		return approvalNone
	}
	ip := req.Session.InitializeParams()
	if ip == nil || ip.Capabilities == nil || ip.Capabilities.Elicitation == nil {
		return approvalNone
	}
	if ip.ProtocolVersion >= multiRoundTripVersion {
		return approvalRoundTrip
	}
	return approvalElicit
}

// elicitApprover asks the client's user about each write with
// ServerSession.Elicit: approve it, approve every write of this run, or
// reject it.
type elicitApprover struct{ ss *mcp.ServerSession }

// Approve elicits one decision.
func (e elicitApprover) Approve(ctx context.Context, w runtime.PendingWrite) (runtime.Approval, error) {
	res, err := e.ss.Elicit(ctx, &mcp.ElicitParams{
		Message:         writeQuestion(w),
		RequestedSchema: decisionSchema([]string{decisionApprove, decisionApproveAll, decisionReject}, "approve: send this write; approve_all: send it and every later write of this run without asking; reject: do not send it"),
	})
	if err != nil {
		return runtime.Approval{Decision: runtime.Reject, By: "elicitation"}, err
	}
	switch decisionOf(res) {
	case decisionApprove:
		return runtime.Approval{Decision: runtime.ApproveOnce, By: "elicitation"}, nil
	case decisionApproveAll:
		return runtime.Approval{Decision: runtime.ApproveAll, By: "elicitation"}, nil
	}
	return runtime.Approval{Decision: runtime.Reject, By: "elicitation"}, nil
}

// decisionOf is the decision of an accepted elicitation, else reject.
func decisionOf(res *mcp.ElicitResult) string {
	if res == nil || res.Action != "accept" {
		return decisionReject
	}
	d, _ := res.Content["decision"].(string)
	return d
}

func decisionSchema(choices []string, help string) map[string]any {
	enum := make([]any, len(choices))
	for i, c := range choices {
		enum[i] = c
	}
	return map[string]any{"type": "object", "required": []any{"decision"}, "properties": map[string]any{
		"decision": map[string]any{"type": "string", "enum": enum, "description": help},
	}}
}

// writeQuestion is the elicitation message of one write.
func writeQuestion(w runtime.PendingWrite) string {
	kind := w.Access
	if w.Destructive {
		kind = "DESTRUCTIVE"
	}
	args := string(w.Arguments)
	if len(args) > 2000 {
		args = args[:2000] + "..."
	}
	return fmt.Sprintf("A script wants to call %s (%s, account %s):\n%s\narguments: %s", w.Function, kind, w.Account, w.Summary, args)
}

// planQuestion is the elicitation message of a whole plan.
func planQuestion(p *runtime.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "A script wants to make %d write(s) on account %s:\n", len(p.Writes), p.Account.Name)
	for _, w := range p.Writes {
		mark := ""
		if w.Destructive {
			mark = " [DESTRUCTIVE]"
		}
		fmt.Fprintf(&b, "%d. %s%s\n", w.Step, w.Summary, mark)
	}
	b.WriteString("Approve to send exactly these writes; reject to send none.")
	return b.String()
}

// runAsking runs an execute_lua script under a policy that asks: with
// elicitation for each write, as one multi-round-trip approval of the
// plan, or as a plan returned with outcome needs_approval. A nil result
// means the handler must return input (see roundTrip).
func (s *server) runAsking(ctx context.Context, req *mcp.CallToolRequest, script runtime.Script) (*runtime.Result, *mcp.CallToolResult, error) {
	switch approvalModeOf(req) {
	case approvalElicit:
		res, err := s.rt.Run(runtime.WithApprover(ctx, elicitApprover{req.Session}), script)
		return res, nil, err
	case approvalRoundTrip:
		return s.roundTrip(ctx, req, script)
	}
	res, err := s.rt.Plan(ctx, script, nil)
	if err != nil || res.Plan == nil {
		return res, nil, err
	}
	if len(res.Plan.Writes) == 0 {
		res.Plan = nil // reads only: this was the real run
		return res, nil, nil
	}
	res.OK, res.Outcome, res.Result = false, OutcomeNeedsApproval, json.RawMessage("null")
	res.Error = &runtime.ErrorInfo{Kind: string(OutcomeNeedsApproval),
		Message: fmt.Sprintf("the script's %d write(s) need your user's approval and nothing was written; the plan lists them", len(res.Plan.Writes)),
		Hint:    "show the plan's writes (their summaries) to your user; if they agree, call apply_plan with {plan: <the plan object>} before it expires"}
	return res, nil, nil
}

// roundTrip is the multi-round-trip form: the first call plans and asks
// for approval of the whole plan (the signed plan is the request state, so
// the server keeps nothing); the retry applies it, or reports the rejection.
func (s *server) roundTrip(ctx context.Context, req *mcp.CallToolRequest, script runtime.Script) (*runtime.Result, *mcp.CallToolResult, error) {
	if len(req.Params.InputResponses) == 0 {
		res, err := s.rt.Plan(ctx, script, nil)
		if err != nil || res.Plan == nil {
			return res, nil, err
		}
		if len(res.Plan.Writes) == 0 {
			res.Plan = nil
			return res, nil, nil
		}
		state, err := json.Marshal(res.Plan)
		if err != nil {
			return nil, nil, err
		}
		return nil, &mcp.CallToolResult{
			InputRequests: mcp.InputRequestMap{inputApproval: &mcp.ElicitParams{
				Message:         planQuestion(res.Plan),
				RequestedSchema: decisionSchema([]string{decisionApprove, decisionReject}, "approve: send exactly these writes; reject: send none"),
			}},
			RequestState: base64.RawURLEncoding.EncodeToString(state),
		}, nil
	}
	plan, err := planFromState(req.Params.RequestState)
	if err != nil {
		return nil, nil, err
	}
	answer, _ := req.Params.InputResponses[inputApproval].(*mcp.ElicitResult)
	if decisionOf(answer) != decisionApprove {
		return rejectedPlan(plan), nil, nil
	}
	res, err := s.rt.Apply(runtime.WithPlanApprovedBy(ctx, "elicitation"), plan, script)
	return res, nil, err
}

// planFromState decodes the plan a retry carries back.
func planFromState(state string) (*runtime.Plan, error) {
	data, err := base64.RawURLEncoding.DecodeString(state)
	if err != nil {
		return nil, errors.New("execute_lua: the request state is not this server's; call execute_lua again without inputResponses")
	}
	var p runtime.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, errors.New("execute_lua: the request state is not a plan; call execute_lua again without inputResponses")
	}
	return &p, nil
}

// rejectedPlan is the envelope of a plan the user rejected: nothing sent.
func rejectedPlan(p *runtime.Plan) *runtime.Result {
	return &runtime.Result{OK: false, Outcome: runtime.OutcomeDenied, Result: json.RawMessage("null"), Logs: []string{}, Calls: []runtime.CallInfo{},
		Error: &runtime.ErrorInfo{Kind: runtime.KindDenied, Message: fmt.Sprintf("your user rejected the plan's %d write(s); nothing was sent", len(p.Writes)),
			Setting: &runtime.Setting{Name: "Plan", Value: p.Digest}, Hint: "do not retry these writes unchanged; ask your user what to change"},
		Apply: &runtime.ApplyReport{PlanDigest: p.Digest, Planned: len(p.Writes)}}
}

type applyPlanIn struct {
	Plan json.RawMessage `json:"plan"`
}

// addApplyPlanTool registers apply_plan.
func (s *server) addApplyPlanTool(srv *mcp.Server) {
	mcp.AddTool(srv, &mcp.Tool{
		Name: ToolApplyPlan,
		Description: "Apply a plan your user approved: the plan an execute_lua run returned with outcome needs_approval. " +
			"Runs its script for real and sends exactly its writes (a write that departs from the plan stops the run before it is sent). Plans expire; pass the plan object unchanged.",
		InputSchema: objectSchema([]string{"plan"}, map[string]any{
			"plan": map[string]any{"type": "object", "description": "The plan object from the needs_approval envelope, unchanged (it is signed)."},
		}),
		Annotations: &mcp.ToolAnnotations{DestructiveHint: boolPtr(true), OpenWorldHint: boolPtr(true)},
	}, s.applyPlan)
}

// applyPlan is the apply_plan handler.
func (s *server) applyPlan(ctx context.Context, req *mcp.CallToolRequest, in applyPlanIn) (*mcp.CallToolResult, any, error) {
	var p runtime.Plan
	if err := json.Unmarshal(in.Plan, &p); err != nil || p.Version == 0 {
		return nil, nil, errors.New("apply_plan: plan is not a plan object; pass the plan from the needs_approval envelope unchanged")
	}
	var (
		res    *runtime.Result
		runErr error
	)
	calls := newCallProgress(req)
	script := runtime.Script{}
	if calls != nil {
		script.OnCall = calls.onCall
	}
	runCtx, cancel := context.WithTimeout(ctx, s.rt.Limits(nil).Timeout)
	defer cancel()
	err := s.call(ctx, runCtx, req, ToolApplyPlan, calls, func(context.Context) (string, int) {
		res, runErr = s.rt.Apply(runCtx, &p, script)
		if runErr != nil || res == nil {
			return "not_run", 0
		}
		return string(res.Outcome), res.Stats.Calls
	})
	if err != nil {
		return nil, nil, err
	}
	if runErr != nil {
		return nil, nil, fmt.Errorf("apply_plan: %w", runErr)
	}
	env := s.capLogs(res)
	return textResult(renderEnvelope(env), !env.OK), env, nil
}

// writePlanText lists a plan's writes (needs_approval) or an apply's
// divergence in the text form of an envelope.
func writePlanText(b *strings.Builder, r *runtime.Result) {
	if p := r.Plan; p != nil && len(p.Writes) > 0 {
		fmt.Fprintf(b, "plan (%d writes, valid until %s; pass the plan object from structuredContent to apply_plan):\n", len(p.Writes), p.ExpiresAt.UTC().Format("15:04:05Z"))
		for _, w := range p.Writes {
			mark := ""
			if w.Destructive {
				mark = " [destructive]"
			}
			fmt.Fprintf(b, "%d. %s%s\n", w.Step, w.Summary, mark)
		}
	}
	if a := r.Apply; a != nil && a.Divergence != nil {
		d := a.Divergence
		if d.Expected != nil {
			fmt.Fprintf(b, "plan step %d expected: %s %s\n", d.Step, d.Expected.Function, d.Expected.Arguments)
		}
		fmt.Fprintf(b, "the script wrote: %s %s\n", d.Got.Function, d.Got.Arguments)
	}
}
