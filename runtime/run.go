package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Limits returns the limits a run with per-run limits l gets: the runtime's,
// lowered (never raised) by l. A nil l gives the runtime's own.
func (r *Runtime) Limits(l *Limits) Limits { return r.effectiveLimits(l) }

// effectiveLimits merges per-run limits into the runtime's, never raising them.
func (r *Runtime) effectiveLimits(l *Limits) Limits {
	out := Limits{Timeout: r.opts.Timeout, MemoryLimit: r.opts.MemoryLimit, MaxCalls: r.opts.MaxCalls,
		MaxOutputBytes: r.opts.MaxOutputBytes, MaxScriptBytes: r.opts.MaxScriptBytes}
	if l == nil {
		return out
	}
	lower := func(cur *int, v int) {
		if v > 0 && v < *cur {
			*cur = v
		}
	}
	if l.Timeout > 0 && l.Timeout < out.Timeout {
		out.Timeout = l.Timeout
	}
	if l.MemoryLimit > 0 && l.MemoryLimit < out.MemoryLimit {
		out.MemoryLimit = l.MemoryLimit
	}
	lower(&out.MaxCalls, l.MaxCalls)
	lower(&out.MaxOutputBytes, l.MaxOutputBytes)
	lower(&out.MaxScriptBytes, l.MaxScriptBytes)
	return out
}

// Run runs a script. Every outcome of the script, including limits, crashes of
// its worker and API errors, is reported in the Result; the error is non-nil
// only when the run could not be attempted at all (a nil context, a closed
// runtime).
func (r *Runtime) Run(ctx context.Context, s Script) (*Result, error) {
	res, g, err := r.runGated(ctx, s, nil)
	if err != nil {
		return nil, err
	}
	r.journal(ctx, JournalEntry{Kind: "run", Script: scriptName(s), ScriptDigest: digestOf([]byte(s.Source)), Outcome: res.Outcome, Writes: g.journalWrites()})
	return res, nil
}

// runGated runs a script with its writes passing g (nil: an ordinary run)
// and returns the envelope and the gate.
func (r *Runtime) runGated(ctx context.Context, s Script, g *gate) (*Result, *gate, error) {
	if ctx == nil {
		return nil, nil, errors.New("runtime: Run needs a non-nil context")
	}
	if r.closed.Load() {
		return nil, nil, errPoolClosed
	}
	start := time.Now()
	ctx, endSpan := r.startRunSpan(ctx, s.Name)
	res, g := r.run(ctx, start, s, g)
	endSpan(res)
	return res, g, nil
}

// run is runGated once its span is open.
func (r *Runtime) run(ctx context.Context, start time.Time, s Script, g *gate) (*Result, *gate) {
	limits := r.effectiveLimits(s.Limits)
	led := newLedger(r, limits, s.OnCall)
	if g != nil {
		led.gate = g
	}
	g = led.gate
	j, info := r.newJob(s, limits)
	if info != nil {
		return r.finish(start, led, failed(info)), g
	}
	runCtx, cancel := context.WithTimeout(ctx, limits.Timeout)
	defer cancel()
	runCtx, stop := context.WithCancelCause(runCtx)
	defer stop(nil)
	g.stop = stop
	var rep *report
	if r.pool != nil {
		rep = r.pool.run(runCtx, j, led)
	} else {
		rep = r.engine.run(runCtx, j, led)
	}
	return r.finish(start, led, rep), g
}

// scriptName is a script's label in errors and the journal.
func scriptName(s Script) string {
	if s.Name == "" {
		return "script"
	}
	return capText(s.Name)
}

// newJob checks what the host can check cheaply (the script's size, the
// arguments' JSON form) and builds the job for an engine.
func (r *Runtime) newJob(s Script, limits Limits) (*job, *ErrorInfo) {
	name := s.Name
	if name == "" {
		name = "script"
	}
	if info := checkSize(s.Source, limits.MaxScriptBytes); info != nil {
		return nil, info
	}
	j := &job{Name: capText(name), Source: s.Source, Limits: limits, MaxLogBytes: r.opts.MaxLogBytes, Accounts: r.scriptAccounts(), Docs: r.docsPolicy(), DocsTimeout: limits.Timeout}
	if s.Args != nil {
		data, err := json.Marshal(s.Args)
		if err != nil {
			return nil, &ErrorInfo{Kind: KindValidation, Message: "runtime: args are not JSON-compatible: " + capText(err.Error()), Hint: "pass args as a JSON value"}
		}
		j.Args = data
	}
	return j, nil
}

func newResult() *Result {
	return &Result{Result: json.RawMessage("null"), Logs: []string{}, Calls: []CallInfo{}}
}

// finish builds the envelope from the engine's report and the host's ledger.
// What the host saw wins: a report may claim a policy denial or a spent call
// budget only when the ledger recorded one.
func (r *Runtime) finish(start time.Time, led *ledger, rep *report) *Result {
	res := newResult()
	f := led.facts()
	res.Calls = append(res.Calls, f.calls...)
	res.Effects = f.effects
	res.Stats.Calls = f.total
	res.Stats.CallsTruncated = f.total - len(f.calls)
	res.Stats.MemoryBytes = rep.MemoryBytes
	res.Logs = append(res.Logs, rep.Logs...)
	res.Stats.DurationMS = ms(time.Since(start))
	info := rep.Error
	if info != nil {
		switch {
		case info.Kind == KindDenied && !f.denied, info.Kind == KindCallLimit && !f.overSpent:
			info = &ErrorInfo{Kind: KindRuntime, Line: info.Line,
				Message: "the script raised an error that claims to be " + info.Kind + ", but the host refused no call: " + capText(info.Message)}
		}
	}
	if info == nil {
		res.OK = true
		res.Outcome = OutcomeCompleted
		if len(rep.Result) > 0 {
			res.Result = rep.Result
		}
		return res
	}
	res.OK = false
	if info.Setting == nil {
		info.Setting = limitSetting(info.Kind, led.limitsInForce(), r.opts.MaxLogBytes)
	}
	r.nameKeyAccount(info, f.calls)
	res.Error = capInfo(info)
	res.Outcome = OutcomeOf(info.Kind)
	if info.Hint == "" {
		info.Hint = hintFor(info.Kind)
	}
	r.log.Debug("run ended", "outcome", res.Outcome, "kind", info.Kind, "calls", res.Stats.Calls)
	return res
}

// nameKeyAccount says whose key was rejected: the named account of the call
// that got the API error (matched by its request id).
func (r *Runtime) nameKeyAccount(info *ErrorInfo, calls []CallInfo) {
	if info.Setting == nil || info.Setting.Name != "APIKey" || info.RequestID == "" {
		return
	}
	for _, c := range calls {
		if c.RequestID == info.RequestID && c.Account != r.dflt.name {
			info.Setting.Account = c.Account
			return
		}
	}
}

// limitSetting names the limit behind a limit kind and its value.
func limitSetting(kind string, l Limits, maxLog int) *Setting {
	switch kind {
	case KindTimeout:
		return &Setting{Name: "Timeout", Value: l.Timeout.String()}
	case KindMemoryLimit:
		return &Setting{Name: "MemoryLimit", Value: strconv.FormatInt(l.MemoryLimit, 10)}
	case KindCallLimit:
		return &Setting{Name: "MaxCalls", Value: strconv.Itoa(l.MaxCalls)}
	case KindOutputLimit:
		return &Setting{Name: "MaxLogBytes", Value: strconv.Itoa(maxLog)}
	case KindScriptTooLarge:
		return &Setting{Name: "MaxScriptBytes", Value: strconv.Itoa(l.MaxScriptBytes)}
	}
	return nil
}

// capInfo bounds every string of an error before it enters an envelope: they
// come from scripts and API answers of any size.
func capInfo(info *ErrorInfo) *ErrorInfo {
	for _, f := range []*string{&info.Kind, &info.Message, &info.Function, &info.Code, &info.RequestID, &info.Hint} {
		*f = capText(*f)
	}
	if info.Setting != nil {
		info.Setting.Value = capText(info.Setting.Value)
	}
	return info
}

// OutcomeOf maps an error kind to the outcome of a run (or a call) that
// ended with it. It is the only such mapping.
func OutcomeOf(kind string) Outcome {
	switch kind {
	case KindTimeout:
		return OutcomeTimeout
	case KindMemoryLimit, KindCallLimit, KindOutputLimit, KindStackOverflow, KindScriptTooLarge:
		return OutcomeLimitExceeded
	case KindDenied:
		return OutcomeDenied
	}
	return OutcomeError
}

func hintFor(kind string) string {
	switch kind {
	case KindTimeout:
		return "do less per run: fewer pages or calls, or raise the timeout if the host allows it"
	case KindMemoryLimit:
		return "keep less data in memory: filter items while paging and return only what you need"
	case KindCallLimit:
		return "make fewer calls: larger pages, filters, or split the work into several runs"
	case KindOutputLimit:
		return "print less; return data instead of printing it"
	case KindStackOverflow:
		return "recursion is too deep; use a loop"
	case KindRuntime:
		return "fix the script at the reported line; wrap workos calls in pcall to handle API errors"
	case KindCanceled:
		return "the caller stopped the run; nothing more will happen"
	case KindScriptTooComplex:
		return "split long expressions into locals and deep nesting into functions or loops"
	case KindScriptTooLarge:
		return "send a shorter script; pass data in args instead of writing it into the source"
	case KindWorkerCrashed:
		return "the script's worker process died; run it again, and report the script if it happens every time"
	}
	return ""
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
