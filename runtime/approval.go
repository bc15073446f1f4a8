package runtime

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Approver asks a person whether a write may be sent, under the ask policy.
// The host calls it while the script waits for the call's answer; it may be
// called from several goroutines (workos.batch), one call at a time per run.
type Approver interface {
	// Approve returns the person's decision on w. An error (the person
	// cannot be reached) refuses the write, as a rejection does.
	Approve(ctx context.Context, w PendingWrite) (Approval, error)
}

// ApproverFunc adapts a function to [Approver].
type ApproverFunc func(ctx context.Context, w PendingWrite) (Approval, error)

// Approve calls f.
func (f ApproverFunc) Approve(ctx context.Context, w PendingWrite) (Approval, error) {
	return f(ctx, w)
}

// PendingWrite is a write waiting for approval.
type PendingWrite struct {
	// Function is the canonical name, Access its class, Account the account
	// it goes to.
	Function string `json:"function"`
	Access   string `json:"access"`
	Account  string `json:"account"`
	// Summary is one line for a person ("Create an Organization: name
	// \"Umbrella Corp\""); Arguments the call's arguments as JSON.
	Summary   string          `json:"summary"`
	Arguments json.RawMessage `json:"arguments"`
	// Destructive marks deletes and other writes that cannot be undone.
	Destructive bool `json:"destructive,omitempty"`
}

// Decision is a person's answer to a pending write.
type Decision string

// The decisions.
const (
	// ApproveOnce sends this write; the next one is asked again.
	ApproveOnce Decision = "approve"
	// ApproveAll sends this write and every later write of the same run
	// (or session input) without asking.
	ApproveAll Decision = "approve_all"
	// Reject refuses the write with a "denied" error the script sees.
	Reject Decision = "reject"
)

// Approval is an [Approver]'s answer.
type Approval struct {
	Decision Decision
	// By says who approved, for the envelope and the journal: "terminal",
	// "elicitation", or any short word the host chooses. If empty, "host".
	By string
}

// The approvers the journal names besides an Approver's own By.
const (
	// ApprovedByPolicy: the write policy allowed the write without asking.
	ApprovedByPolicy = "policy"
	// ApprovedByPlan: the write was approved as part of a signed plan.
	ApprovedByPlan = "plan"
)

type (
	approverKey     struct{}
	planApprovedKey struct{}
)

// WithPlanApprovedBy returns a context whose [Runtime.Apply] records its
// writes as approved by who (for example "elicitation", when the plan was
// approved by an MCP client's user) instead of ApprovedByPlan.
func WithPlanApprovedBy(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, planApprovedKey{}, who)
}

// planApprover names who approved the plan an apply runs.
func planApprover(ctx context.Context) string {
	if who, ok := ctx.Value(planApprovedKey{}).(string); ok && who != "" {
		return who
	}
	return ApprovedByPlan
}

// WithApprover returns a context whose runs and calls ask a for approval
// under the ask policy, instead of [Options.Approver]; an MCP server gives
// each tool call its client's approver this way.
func WithApprover(ctx context.Context, a Approver) context.Context {
	return context.WithValue(ctx, approverKey{}, a)
}

// approverFor is the approver of a call made with ctx.
func (r *Runtime) approverFor(ctx context.Context) Approver {
	if a, ok := ctx.Value(approverKey{}).(Approver); ok && a != nil {
		return a
	}
	return r.opts.Approver
}

// approvedKey marks a context whose call was approved, with who approved it:
// the one sign authorize accepts for a call under the ask policy, so a path
// that does not ask cannot send such a write.
type approvedKey struct{}

func withApproval(ctx context.Context, by string) context.Context {
	return context.WithValue(ctx, approvedKey{}, by)
}

func approvedBy(ctx context.Context) (string, bool) {
	by, ok := ctx.Value(approvedKey{}).(string)
	return by, ok
}

// strictness orders the policies: a stricter one wins.
func strictness(p WritePolicy) int {
	switch p {
	case WriteDeny:
		return 2
	case WriteAsk:
		return 1
	}
	return 0
}

// checkPolicies validates a write and a destructive policy and returns the
// destructive one in force: never laxer than the write policy.
func checkPolicies(field string, write, destructive WritePolicy) (WritePolicy, error) {
	for _, p := range []struct {
		name string
		v    WritePolicy
	}{{"WritePolicy", write}, {"DestructivePolicy", destructive}} {
		switch p.v {
		case "", WriteAllow, WriteDeny, WriteAsk:
		default:
			return "", fmt.Errorf(`runtime: %s%s must be "allow", "ask" or "deny", not %q`, field, p.name, p.v)
		}
	}
	if destructive == "" || strictness(write) > strictness(destructive) {
		return write, nil
	}
	return destructive, nil
}

// policyFor is a's policy for an access class; reads are always allowed.
func (a *account) policyFor(access catalog.Access) WritePolicy {
	switch access {
	case catalog.Read:
		return WriteAllow
	case catalog.Destructive:
		return a.destructive
	}
	return a.write
}

// askError is the refusal of a write under the ask policy that no one
// approved: rejected, or with no one to ask.
func askError(a *account, dflt *account, op *catalog.Operation, rejected bool, by string) *PolicyError {
	setting := "WritePolicy"
	if op.Access == catalog.Destructive {
		setting = "DestructivePolicy"
	}
	reason := "needs approval (policy ask) and no one can approve it here; plan the run, have a person review the plan, then apply it"
	if rejected {
		reason = fmt.Sprintf("was rejected by the person asked to approve it (%s); the script may continue without it", by)
	}
	e := &PolicyError{Function: op.Name, Access: op.Access, Setting: setting, Reason: reason, Ask: true, Rejected: rejected}
	if a != dflt {
		e.Account = a.name
	}
	return e
}

// Asks reports whether some write of some account needs approval (the ask
// policy), so a host knows to offer a way to approve: a prompt,
// elicitation, or plans.
func (r *Runtime) Asks() bool {
	for _, a := range append([]*account{r.dflt}, mapValues(r.accounts)...) {
		if a.write == WriteAsk || a.destructive == WriteAsk {
			return true
		}
	}
	return false
}

func mapValues[V any](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
