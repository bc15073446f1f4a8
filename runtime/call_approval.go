package runtime

import (
	"context"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// approveCall asks the call's approver about a write under the ask policy
// ([Runtime.Call]); it returns who let the call through, or the refusal.
func (r *Runtime) approveCall(ctx context.Context, acct *account, op *catalog.Operation, args map[string]any) (string, *ErrorInfo) {
	if acct.policyFor(op.Access) != WriteAsk {
		return ApprovedByPolicy, nil
	}
	if _, err := acct.client.Prepare(op, args); err != nil {
		return "", nil // the call fails validation before anything is sent
	}
	c := &gatedCaller{l: &ledger{rt: r}, a: acct}
	by, err := c.approve(ctx, &gate{}, op, args)
	if err != nil {
		return "", workosError(err)
	}
	return by, nil
}

// journalCall records a write made with [Runtime.Call].
func (r *Runtime) journalCall(ctx context.Context, acct *account, op *catalog.Operation, res *api.Result, err error, by string) {
	if op.Access == catalog.Read || r.opts.Journal == nil {
		return
	}
	g := &gate{}
	g.noteWrite(acct, op, res, err, by)
	outcome := OutcomeCompleted
	if err != nil {
		outcome = OutcomeOf(api.KindOf(err))
	}
	r.journal(ctx, JournalEntry{Kind: "call", Script: op.Name, ScriptDigest: digestOf([]byte(op.Name)), Outcome: outcome, Writes: g.journalWrites()})
}

// journalWrites is a copy of the writes the run tried.
func (g *gate) journalWrites() []JournalWrite {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]JournalWrite(nil), g.writes...)
}
