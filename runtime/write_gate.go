package runtime

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// gateMode is what a run does with its writes.
type gateMode int

const (
	// gateRun sends writes the policy allows, asking first under ask.
	gateRun gateMode = iota
	// gatePlan answers writes from the plan and sends none.
	gatePlan
	// gateApply sends only the writes of a verified plan, in its order.
	gateApply
)

// gate is one run's write gate: the plan being made, the plan being
// applied, and the approvals given. Its methods are safe for concurrent use
// (workos.batch).
type gate struct {
	mode gateMode
	// now is the clock of planned answers.
	now time.Time

	mu sync.Mutex
	ph placeholders
	// planned are plan mode's writes, in order.
	planned []PlannedWrite
	// apply is the plan being applied and how far it got.
	apply *applyState
	// approvedAll names who approved every further write of the run.
	approvedAll string
	// writes are the writes the run tried, for the journal.
	writes []JournalWrite

	// stop ends the run (applying, at the first departure from the plan).
	stop context.CancelCauseFunc

	// ask makes one person answer one question at a time.
	ask sync.Mutex
}

// gatedCaller is the [workos.Caller] of one account of a run: reads go
// straight to its executor, writes through the run's gate.
type gatedCaller struct {
	l    *ledger
	a    *account
	exec *api.Executor
}

// Reject records a call the script's engine refused before it was prepared.
func (c *gatedCaller) Reject(op *catalog.Operation, err error, batch bool) {
	c.exec.Reject(op, err, batch)
}

// Call executes, plans or applies one call.
func (c *gatedCaller) Call(ctx context.Context, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	g := c.l.currentGate()
	switch {
	case g.mode == gatePlan:
		return c.plan(ctx, g, op, args, batch)
	case op.Access == catalog.Read:
		return c.exec.Call(ctx, op, args, batch)
	case g.mode == gateApply:
		return c.applyWrite(ctx, g, op, args, batch)
	case c.a.policyFor(op.Access) == WriteAsk:
		return c.askWrite(ctx, g, op, args, batch)
	}
	res, err := c.exec.Call(ctx, op, args, batch)
	g.noteWrite(c.a, op, res, err, ApprovedByPolicy)
	return res, err
}

// refusable reports whether the executor would refuse the call before
// sending it (invalid arguments, the policy's deny, an Allow/Deny entry):
// such calls go to the executor, which refuses and records them as usual.
func (c *gatedCaller) refusable(op *catalog.Operation, args map[string]any) (*api.Request, bool) {
	req, err := c.a.client.Prepare(op, args)
	if err != nil {
		return nil, true
	}
	return req, c.l.rt.accountPolicyError(c.a, op) != nil
}

// plan answers a write (or a read of a planned object) from the plan.
func (c *gatedCaller) plan(ctx context.Context, g *gate, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	req, refused := c.refusable(op, args)
	if refused {
		return c.exec.Call(ctx, op, args, batch)
	}
	g.mu.Lock()
	uses := g.ph.in(args)
	g.mu.Unlock()
	if op.Access == catalog.Read && len(uses) == 0 {
		return c.exec.Call(ctx, op, args, batch)
	}
	info := CallInfo{Account: c.a.name, Function: op.Name, Method: op.Method, Path: capText(req.Path), Access: string(op.Access), Planned: true}
	if err := c.l.admit(); err != nil {
		c.l.mu.Lock()
		c.l.overSpent = true
		c.l.mu.Unlock()
		c.l.record(info, false)
		return nil, err
	}
	g.mu.Lock()
	answer := g.ph.plannedAnswer(op, req, args, g.now)
	if op.Access != catalog.Read {
		w := PlannedWrite{Step: len(g.planned) + 1, Function: op.Name, Access: string(op.Access), Account: c.a.name,
			Arguments: planArguments(args), Uses: uses, Summary: writeSummary(op, args),
			Destructive: op.Access == catalog.Destructive, Batch: batch}
		g.ph.assignIDs(answer, "", stringsIn(args), &w.Creates)
		for _, p := range w.Creates {
			if p.Path == "id" {
				if g.ph.objects == nil {
					g.ph.objects = map[string]any{}
				}
				g.ph.objects[p.ID] = answer
			}
		}
		g.planned = append(g.planned, w)
	}
	g.mu.Unlock()
	c.l.record(info, false)
	return plannedResult(op, answer), nil
}

// askWrite sends a write under the ask policy once a person approved it.
func (c *gatedCaller) askWrite(ctx context.Context, g *gate, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	if _, refused := c.refusable(op, args); refused {
		return c.exec.Call(ctx, op, args, batch)
	}
	by, err := c.approve(ctx, g, op, args)
	if err != nil {
		c.l.markDenied()
		c.exec.Reject(op, err, batch)
		g.noteWrite(c.a, op, nil, err, by)
		return nil, err
	}
	res, err := c.exec.Call(withApproval(ctx, by), op, args, batch)
	g.noteWrite(c.a, op, res, err, by)
	return res, err
}

// approve asks the run's approver about one write, unless a person
// approved every write of the run already. It returns who approved, or the
// refusal.
func (c *gatedCaller) approve(ctx context.Context, g *gate, op *catalog.Operation, args map[string]any) (string, error) {
	g.ask.Lock()
	defer g.ask.Unlock()
	g.mu.Lock()
	all := g.approvedAll
	g.mu.Unlock()
	if all != "" {
		return all, nil
	}
	approver := c.l.rt.approverFor(ctx)
	if approver == nil {
		return "", askError(c.a, c.l.rt.dflt, op, false, "")
	}
	w := PendingWrite{Function: op.Name, Access: string(op.Access), Account: c.a.name, Summary: writeSummary(op, args),
		Arguments: planArguments(args), Destructive: op.Access == catalog.Destructive}
	ans, err := approver.Approve(ctx, w)
	by := cmp.Or(ans.By, "host")
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return by, &sandbox.LimitError{Kind: sandbox.KindTimeout,
			Message: fmt.Sprintf("the run's time limit passed while %s waited for approval; the write was not sent — answer sooner, raise the timeout, or plan the run and apply the plan after review", op.Name)}
	case err != nil && ctx.Err() != nil:
		return by, ctx.Err()
	case err != nil, ans.Decision != ApproveOnce && ans.Decision != ApproveAll:
		return by, askError(c.a, c.l.rt.dflt, op, true, by)
	case ans.Decision == ApproveAll:
		g.mu.Lock()
		g.approvedAll = by
		g.mu.Unlock()
	}
	return by, nil
}

// noteWrite keeps a write the run tried for the journal.
func (g *gate) noteWrite(a *account, op *catalog.Operation, res *api.Result, err error, by string) {
	w := JournalWrite{Function: op.Name, Access: string(op.Access), Account: a.name, ApprovedBy: by, Outcome: WriteSent}
	var (
		apiErr *api.APIError
		netErr *api.NetworkError
	)
	switch {
	case res != nil:
		w.Status, w.RequestID = res.Status, res.RequestID
		if res.DryRun != nil {
			w.Outcome = WriteRecorded
		}
	case errors.As(err, &apiErr):
		w.Status, w.RequestID, w.Outcome = apiErr.Status, apiErr.RequestID, WriteFailed
		w.Error = capText(err.Error())
	case errors.As(err, &netErr):
		w.Outcome, w.Error = WriteUnknown, capText(err.Error())
	default:
		w.Outcome = WriteRefused
		if err != nil {
			w.Error = capText(err.Error())
		}
	}
	if w.Outcome == WriteRefused && by == ApprovedByPolicy {
		w.ApprovedBy = ""
	}
	g.mu.Lock()
	if len(g.writes) < MaxLedgerCalls {
		g.writes = append(g.writes, w)
	}
	g.mu.Unlock()
}

// currentGate is the write gate of the run in progress.
func (l *ledger) currentGate() *gate {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gate
}

// writesMethod reports whether a method can carry an Idempotency-Key.
func writesMethod(m string) bool { return m == http.MethodPost || m == http.MethodPatch }
