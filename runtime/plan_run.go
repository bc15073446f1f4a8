package runtime

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
)

// PlanOptions are the optional inputs of [Runtime.Plan]. The zero value
// (or nil) is usable.
type PlanOptions struct {
	// ScriptPath is the file the script was read from, recorded in the plan
	// so a command-line apply can check the file did not change. If empty,
	// none is recorded.
	ScriptPath string
}

// errNoPlanKey is the refusal of Plan and Apply without Options.PlanKey.
var errNoPlanKey = &PlanError{Reason: "the host has no plan key (Options.PlanKey); load one with LoadPlanKey"}

// Plan runs a script in plan mode: its reads run for real; its writes are
// validated, checked against the policy (ask counts as allowed: the plan is
// what a person approves) and answered with objects synthesised from the
// operation's response schema, ids replaced by placeholders such as
// "org_plan_1", so the script runs to its end. Nothing is written. A run
// that completes gets Result.Plan, signed with Options.PlanKey; hand it to
// [Runtime.Apply] after review. The error is non-nil when the run could not
// be attempted (see [Runtime.Run]) or the runtime has no plan key.
func (r *Runtime) Plan(ctx context.Context, s Script, po *PlanOptions) (*Result, error) {
	if len(r.opts.PlanKey) == 0 {
		return nil, errNoPlanKey
	}
	if po == nil {
		po = &PlanOptions{}
	}
	now := time.Now().UTC().Truncate(time.Second)
	res, g, err := r.runGated(ctx, s, &gate{mode: gatePlan, now: now})
	if err != nil {
		return nil, err
	}
	if !res.OK {
		return res, nil
	}
	p, err := r.makePlan(s, po, g, now)
	if err != nil {
		res.OK, res.Outcome = false, OutcomeError
		res.Error = &ErrorInfo{Kind: KindRuntime, Message: capText(err.Error()), Hint: "return JSON-compatible values and pass JSON-compatible args"}
		return res, nil
	}
	res.Plan = p
	return res, nil
}

// makePlan builds and signs the plan of a finished plan-mode run.
func (r *Runtime) makePlan(s Script, po *PlanOptions, g *gate, now time.Time) (*Plan, error) {
	args, err := canonicalValue(s.Args)
	if err != nil {
		return nil, fmt.Errorf("plan: the args cannot be encoded: %w", err)
	}
	g.mu.Lock()
	writes := append([]PlannedWrite{}, g.planned...)
	g.mu.Unlock()
	ttl := cmp.Or(r.opts.PlanTTL, DefaultPlanTTL)
	p := &Plan{Version: PlanVersion, CreatedAt: now, ExpiresAt: now.Add(ttl),
		Script: PlanScript{Name: scriptName(s), Path: po.ScriptPath, Digest: digestOf([]byte(s.Source)), Source: s.Source},
		Args:   args, ArgsDigest: digestOf(args),
		Account: r.planAccount(r.dflt), Accounts: r.namedPlanAccounts(writes), Writes: writes}
	id, err := p.bodyDigest()
	if err != nil {
		return nil, err
	}
	for i := range p.Writes {
		w := &p.Writes[i]
		op, err := r.catalog().Lookup(w.Function)
		if err != nil || !writesMethod(op.Method) {
			continue
		}
		var given map[string]any
		if json.Unmarshal(w.Arguments, &given) == nil && given[api.ArgIdempotencyKey] == nil {
			w.IdempotencyKey = idempotencyKey(r.opts.PlanKey, id, w.Step)
		}
	}
	if err := p.sign(r.opts.PlanKey); err != nil {
		return nil, err
	}
	return p, nil
}

// planAccount identifies an account, its key by a keyed fingerprint.
func (r *Runtime) planAccount(a *account) PlanAccount {
	key := r.opts.APIKey // the client's Options redact it
	if a != r.dflt {
		key = r.opts.Accounts[a.name].APIKey
	}
	return PlanAccount{Name: a.name, BaseURL: a.client.Options().BaseURL, Key: keyFingerprint(r.opts.PlanKey, key)}
}

// namedPlanAccounts identifies the named accounts writes go to, sorted.
func (r *Runtime) namedPlanAccounts(writes []PlannedWrite) []PlanAccount {
	var out []PlanAccount
	for _, name := range r.AccountNames()[1:] {
		for _, w := range writes {
			if w.Account == name {
				out = append(out, r.planAccount(r.accounts[name]))
				break
			}
		}
	}
	return out
}

// Apply runs a plan's script for real, sending exactly the plan's writes:
// each write the script makes must be the plan's next one (the same
// function, account and arguments, with placeholders bound to the real ids
// earlier writes returned); a write that differs, or one beyond the plan,
// stops the run before it is sent, and Result.Apply shows the divergence.
// Writes carry Idempotency-Keys derived from the plan. s supplies the
// script to check against the plan: an empty Source runs the plan's own,
// nil Args the plan's own; a source or args that differ from the planned
// ones, a plan that does not verify with Options.PlanKey, one that expired,
// or one made for another account is refused with outcome denied before
// anything runs. The error is non-nil as for [Runtime.Run], or without a
// plan key.
func (r *Runtime) Apply(ctx context.Context, p *Plan, s Script) (*Result, error) {
	if len(r.opts.PlanKey) == 0 {
		return nil, errNoPlanKey
	}
	if ctx == nil {
		return nil, errors.New("runtime: Apply needs a non-nil context")
	}
	if p == nil {
		return nil, errors.New("runtime: Apply needs a plan")
	}
	if s.Source == "" {
		s.Source, s.Name = p.Script.Source, cmp.Or(s.Name, p.Script.Name)
	}
	if s.Args == nil {
		s.Args = p.Args
	}
	if err := r.checkPlan(p, s); err != nil {
		res := newResult()
		res.Outcome = OutcomeDenied
		res.Error = &ErrorInfo{Kind: KindDenied, Message: capText(err.Error()), Setting: &Setting{Name: "Plan", Value: p.Digest},
			Hint: "plan the run again, review the new plan and apply it"}
		res.Apply = &ApplyReport{PlanDigest: p.Digest, Planned: len(p.Writes)}
		return res, nil
	}
	st := &applyState{plan: p, used: make([]bool, len(p.Writes)), bound: map[string]string{}}
	res, g, err := r.runGated(ctx, s, &gate{mode: gateApply, apply: st})
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	res.Apply = st.report()
	g.mu.Unlock()
	if d := res.Apply.Divergence; d != nil {
		res.OK, res.Outcome, res.Result = false, OutcomeDenied, json.RawMessage("null")
		derr := &DivergenceError{Divergence: d}
		res.Error = &ErrorInfo{Kind: KindDenied, Message: capText(derr.Error()), Function: d.Got.Function,
			Setting: &Setting{Name: "Plan", Value: p.Digest}, Hint: "the script made a write its plan does not hold; plan the run again and review the new plan"}
	}
	r.journal(ctx, JournalEntry{Kind: "apply", Script: scriptName(s), ScriptDigest: p.Script.Digest, PlanDigest: p.Digest, Outcome: res.Outcome, Writes: g.journalWrites()})
	return res, nil
}

// checkPlan verifies p and that it belongs to s and this runtime's account.
func (r *Runtime) checkPlan(p *Plan, s Script) error {
	if err := p.verify(r.opts.PlanKey, time.Now()); err != nil {
		return err
	}
	if digestOf([]byte(s.Source)) != p.Script.Digest {
		return &PlanError{Reason: fmt.Sprintf("the script %q changed since it was planned (its digest differs); nothing was sent", p.Script.Name)}
	}
	args, err := canonicalValue(s.Args)
	if err != nil || digestOf(args) != p.ArgsDigest {
		return &PlanError{Reason: "the script's args differ from the planned ones; nothing was sent"}
	}
	want := append([]PlanAccount{p.Account}, p.Accounts...)
	got := append([]PlanAccount{r.planAccount(r.dflt)}, r.namedPlanAccounts(p.Writes)...)
	if !slices.Equal(want, got) {
		return &PlanError{Reason: fmt.Sprintf("it was planned for account %q at %s (and its named accounts) with other keys or base URLs; apply it with the accounts it was planned with", p.Account.Name, p.Account.BaseURL)}
	}
	return nil
}
