package runtime

import (
	"context"
	"fmt"
	"sync"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// MaxLedgerCalls bounds the calls listed in one envelope; the rest are counted
// in [Stats.CallsTruncated], so a script that makes (or tries) 100,000 calls
// still gets an envelope of a few hundred kilobytes.
const MaxLedgerCalls = 1000

// ledger is the host's record of one run (or one session input): it applies
// the write policy and the call budget to every call, executes it, and keeps
// the facts the envelope is built from. It is the [workos.Caller] of the run's
// engine, in this process or, through a worker's pipe, in another. Its methods
// may be called from several goroutines at once (workos.batch).
type ledger struct {
	rt     *Runtime
	limits Limits
	// onCall is the current script's progress hook (Script.OnCall).
	onCall func(CallInfo)
	// exec runs the default account's calls; named holds one executor per
	// named account (workos.<account>.fn), built with the ledger.
	exec  *gatedCaller
	named map[string]*gatedCaller
	// gate is the current run's write gate: plan, apply or ask.
	gate *gate

	mu        sync.Mutex
	calls     []CallInfo
	total     int  // calls seen, listed or not
	started   int  // calls admitted by the budget
	effects   bool // a write succeeded
	denied    bool // the policy refused a call
	overSpent bool // the budget refused a call
}

func newLedger(rt *Runtime, limits Limits, onCall func(CallInfo)) *ledger {
	l := &ledger{rt: rt}
	l.exec = l.executor(rt.dflt)
	if len(rt.accounts) > 0 {
		l.named = make(map[string]*gatedCaller, len(rt.accounts))
		for name, a := range rt.accounts {
			l.named[name] = l.executor(a)
		}
	}
	l.reset(limits, onCall)
	return l
}

// executor runs calls on account a: its client, its write policy, and its
// name on every call it records; writes pass the run's write gate.
func (l *ledger) executor(a *account) *gatedCaller {
	return &gatedCaller{l: l, a: a, exec: &api.Executor{Client: a.client,
		Authorize: func(ctx context.Context, op *catalog.Operation) error { return l.authorize(ctx, a, op) },
		Observe:   func(c api.CallRecord) { l.observe(a.name, c) },
		Scope:     l.rt.callScope(a.name)}}
}

// Account returns the Caller of a named account (workos.<name>.fn); an
// unknown name gives a Caller whose every call fails with an *AccountError.
func (l *ledger) Account(name string) workos.Caller {
	a, err := l.rt.accountNamed(name)
	switch {
	case err != nil:
		return unknownAccount{err: err}
	case a == l.rt.dflt:
		return l.exec
	}
	return l.named[a.name]
}

// CallAccount is Call on the named account (a worker's call frame names it).
func (l *ledger) CallAccount(ctx context.Context, account string, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	return l.Account(account).Call(ctx, op, args, batch)
}

// unknownAccount is the Caller of an account the runtime does not have.
type unknownAccount struct{ err error }

func (u unknownAccount) Call(context.Context, *catalog.Operation, map[string]any, bool) (*api.Result, error) {
	return nil, u.err
}
func (u unknownAccount) Reject(*catalog.Operation, error, bool) {}

// reset starts a new input of a session on the same ledger.
func (l *ledger) reset(limits Limits, onCall func(CallInfo)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limits, l.onCall = limits, onCall
	l.gate = &gate{mode: gateRun}
	l.calls, l.total, l.started = nil, 0, 0
	l.effects, l.denied, l.overSpent = false, false, false
}

// Call executes one call for the script.
func (l *ledger) Call(ctx context.Context, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	return l.exec.Call(ctx, op, args, batch)
}

// Reject records a call the script's engine refused before it was prepared.
func (l *ledger) Reject(op *catalog.Operation, err error, batch bool) {
	l.exec.Reject(op, err, batch)
}

// authorize enforces the write policy, the allow/deny lists and the call budget
// before every request.
func (l *ledger) authorize(ctx context.Context, a *account, op *catalog.Operation) error {
	if err := l.rt.accountPolicyError(a, op); err != nil {
		l.markDenied()
		return err
	}
	if a.policyFor(op.Access) == WriteAsk {
		if _, ok := approvedBy(ctx); !ok {
			l.markDenied()
			return askError(a, l.rt.dflt, op, false, "")
		}
	}
	return l.admit()
}

// markDenied notes that the host refused a call.
func (l *ledger) markDenied() {
	l.mu.Lock()
	l.denied = true
	l.mu.Unlock()
}

// admit spends one call of the budget, or refuses the call.
func (l *ledger) admit() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started >= l.limits.MaxCalls {
		l.overSpent = true
		return callLimitError(l.limits.MaxCalls)
	}
	l.started++
	return nil
}

func callLimitError(max int) *sandbox.LimitError {
	return &sandbox.LimitError{Kind: sandbox.KindCallLimit,
		Message: fmt.Sprintf("the script made more than %d WorkOS calls; fetch larger pages (limit = 100), use workos.batch for independent calls, or split the job into several runs", max)}
}

// observe records every call, refused ones included.
func (l *ledger) observe(account string, c api.CallRecord) {
	info := CallInfo{
		Account:        account,
		Function:       c.Function,
		Method:         c.Method,
		Path:           capText(c.Path),
		DurationMS:     ms(c.Duration),
		RequestID:      capText(c.RequestID),
		IdempotencyKey: capText(c.IdempotencyKey),
		Access:         string(c.Access),
		Retries:        c.Retries,
		DryRun:         c.DryRun,
	}
	if c.Status != 0 {
		st := c.Status
		info.Status = &st
	}
	l.record(info, c.Err == nil && !c.DryRun && c.Access != catalog.Read && c.Status >= 200 && c.Status < 400)
}

// record lists one call; effect says it changed something.
func (l *ledger) record(info CallInfo, effect bool) {
	l.mu.Lock()
	l.total++
	if len(l.calls) < MaxLedgerCalls {
		l.calls = append(l.calls, info)
	}
	if effect {
		l.effects = true
	}
	onCall := l.onCall
	l.mu.Unlock()
	if onCall != nil {
		onCall(info)
	}
}

// limitsInForce returns the current run's limits.
func (l *ledger) limitsInForce() Limits {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limits
}

// facts is a copy of what the ledger saw.
type facts struct {
	calls             []CallInfo
	total             int
	effects           bool
	denied, overSpent bool
}

func (l *ledger) facts() facts {
	l.mu.Lock()
	defer l.mu.Unlock()
	return facts{calls: append([]CallInfo(nil), l.calls...), total: l.total, effects: l.effects, denied: l.denied, overSpent: l.overSpent}
}
