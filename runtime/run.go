package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// effectiveLimits merges per-run limits into the runtime's, never raising them.
func (r *Runtime) effectiveLimits(l *Limits) Limits {
	out := Limits{Timeout: r.opts.Timeout, MemoryLimit: r.opts.MemoryLimit, MaxCalls: r.opts.MaxCalls, MaxOutputBytes: r.opts.MaxOutputBytes}
	if l == nil {
		return out
	}
	if l.Timeout > 0 && l.Timeout < out.Timeout {
		out.Timeout = l.Timeout
	}
	if l.MemoryLimit > 0 && l.MemoryLimit < out.MemoryLimit {
		out.MemoryLimit = l.MemoryLimit
	}
	if l.MaxCalls > 0 && l.MaxCalls < out.MaxCalls {
		out.MaxCalls = l.MaxCalls
	}
	if l.MaxOutputBytes > 0 && l.MaxOutputBytes < out.MaxOutputBytes {
		out.MaxOutputBytes = l.MaxOutputBytes
	}
	return out
}

// run is the state of one Run that the workos module's hooks update; the hooks
// may be called from batch goroutines.
type run struct {
	rt     *Runtime
	sb     *sandbox.Sandbox
	limits Limits

	// onCall is the current script's progress hook (Script.OnCall).
	onCall func(CallInfo)

	mu      sync.Mutex
	calls   []CallInfo
	started int // calls admitted by the budget
	effects bool
}

// authorize enforces the write policy, the allow/deny lists and the call budget
// before every request.
func (s *run) authorize(_ context.Context, op *catalog.Operation) error {
	if err := s.rt.policyError(op); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started >= s.limits.MaxCalls {
		le := &sandbox.LimitError{Kind: sandbox.KindCallLimit,
			Message: fmt.Sprintf("the script made more than %d WorkOS calls; fetch larger pages (limit = 100), use workos.batch for independent calls, or split the job into several runs", s.limits.MaxCalls)}
		s.sb.Abort(le)
		return le
	}
	s.started++
	return nil
}

// observe records every call, refused ones included.
func (s *run) observe(c workos.CallRecord) {
	info := CallInfo{
		Function:       c.Function,
		Method:         c.Method,
		Path:           c.Path,
		DurationMS:     ms(c.Duration),
		RequestID:      c.RequestID,
		IdempotencyKey: c.IdempotencyKey,
		Access:         string(c.Access),
		Retries:        c.Retries,
		DryRun:         c.DryRun,
	}
	if c.Status != 0 {
		st := c.Status
		info.Status = &st
	}
	s.mu.Lock()
	s.calls = append(s.calls, info)
	if c.Err == nil && !c.DryRun && c.Access != catalog.Read && c.Status >= 200 && c.Status < 400 {
		s.effects = true
	}
	onCall := s.onCall
	s.mu.Unlock()
	if onCall != nil {
		onCall(info)
	}
}

// Run runs a script. Every outcome of the script, including limits and API
// errors, is reported in the Result; the error is non-nil only when the run could
// not be attempted at all (a nil context or a sandbox that cannot be built).
func (r *Runtime) Run(ctx context.Context, s Script) (*Result, error) {
	if ctx == nil {
		return nil, errors.New("runtime: Run needs a non-nil context")
	}
	start := time.Now()
	res := newResult()
	name, proto, info := r.compile(s)
	if info != nil {
		return r.finish(res, start, nil, info), nil
	}
	limits := r.effectiveLimits(s.Limits)
	runCtx, cancel := context.WithTimeout(ctx, limits.Timeout)
	defer cancel()
	sb, st, err := r.newSandbox(runCtx, limits)
	if err != nil {
		return nil, err
	}
	defer sb.Close()
	st.onCall = s.OnCall
	return r.execute(ctx, st, name, proto, s.Args, res, start, 0), nil
}

func newResult() *Result {
	return &Result{Result: json.RawMessage("null"), Logs: []string{}, Calls: []CallInfo{}}
}

// compile runs the pre-flight check and compiles the script.
func (r *Runtime) compile(s Script) (string, *lua.FunctionProto, *ErrorInfo) {
	name := s.Name
	if name == "" {
		name = "script"
	}
	chunk, info := preflight(r.cat, name, s.Source)
	if info != nil {
		return name, nil, info
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return name, nil, &ErrorInfo{Kind: KindSyntax, Message: err.Error(), Line: lineOf(err.Error(), name)}
	}
	return name, proto, nil
}

// newSandbox builds a sandbox with the workos module wired to a fresh run state.
func (r *Runtime) newSandbox(ctx context.Context, limits Limits) (*sandbox.Sandbox, *run, error) {
	sb, err := sandbox.New(ctx, &sandbox.Options{
		MemoryLimit: limits.MemoryLimit,
		MaxLogBytes: r.opts.MaxLogBytes,
		Governor:    r.gov,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("runtime: %w", err)
	}
	st := &run{rt: r, sb: sb, limits: limits}
	mod := &workos.Module{Catalog: r.cat, Client: r.client, Authorize: st.authorize, Observe: st.observe}
	mod.Preload(sb.L())
	return sb, st, nil
}

// execute runs a compiled chunk in st's sandbox and fills res. logsFrom skips
// the log lines of earlier inputs of a session.
func (r *Runtime) execute(ctx context.Context, st *run, name string, proto *lua.FunctionProto, args any, res *Result, start time.Time, logsFrom int) *Result {
	sb, L := st.sb, st.sb.L()
	if info := setArgs(L, args); info != nil {
		return r.finish(res, start, st, info)
	}
	base := L.GetTop()
	L.Push(L.NewFunctionFromProto(proto))
	err := sb.PCall(0, lua.MultRet)
	defer L.SetTop(base)
	if logs := sb.Logs(); len(logs) > logsFrom {
		res.Logs = append(res.Logs, logs[logsFrom:]...)
	}
	res.Stats.MemoryBytes = sb.MemoryUsed()
	if err != nil {
		return r.finish(res, start, st, r.classify(ctx, name, err))
	}
	out, info := encodeResults(L, base, st.limits.MaxOutputBytes)
	if info != nil {
		return r.finish(res, start, st, info)
	}
	res.Result = out
	return r.finish(res, start, st, nil)
}

// setArgs exposes the script's arguments as the global args (JSON semantics).
func setArgs(L *lua.LState, args any) *ErrorInfo {
	if args == nil {
		return nil
	}
	data, err := json.Marshal(args)
	if err != nil {
		return &ErrorInfo{Kind: KindValidation, Message: "runtime: args are not JSON-compatible: " + err.Error(), Hint: "pass args as a JSON value"}
	}
	v, err := luajson.Decode(L, data)
	if err != nil {
		return &ErrorInfo{Kind: KindValidation, Message: "runtime: args: " + err.Error(), Hint: "pass args as a JSON value"}
	}
	L.SetGlobal("args", v)
	return nil
}

// encodeResults turns the values the chunk returned into JSON: nothing is null,
// one value is itself, several become an array. A result over the cap becomes a
// valid-JSON summary.
func encodeResults(L *lua.LState, base, maxBytes int) (json.RawMessage, *ErrorInfo) {
	n := L.GetTop() - base
	var v lua.LValue = lua.LNil
	switch {
	case n == 1:
		v = L.Get(base + 1)
	case n > 1:
		t := L.CreateTable(n, 0)
		for i := 1; i <= n; i++ {
			v := L.Get(base + i)
			if v == lua.LNil {
				v = luajson.NullValue(L) // keep positions: return 1, nil, 3 is [1,null,3]
			}
			t.RawSetInt(i, v)
		}
		luajson.MarkArray(L, t)
		v = t
	}
	out, err := luajson.Encode(v, &luajson.EncodeOptions{MaxBytes: maxBytes})
	if err == nil {
		return out, nil
	}
	var se *luajson.SizeError
	if errors.As(err, &se) {
		return summarize(v, maxBytes), nil
	}
	return nil, &ErrorInfo{Kind: KindRuntime, Message: "the script's return value cannot be encoded as JSON: " + err.Error(),
		Hint: "return tables, strings, numbers, booleans or nil (not functions, coroutines or cyclic tables)"}
}

// lineOf extracts the script line from a gopher-lua error message: the
// "script:12: " position gopher-lua puts at the start, or a "\tscript:12:" line
// of a stack traceback. Numbers elsewhere in a message ("host:8080:") are not
// positions.
func lineOf(msg, name string) int {
	prefix := name + ":"
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimLeft(line, " \t")
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		if j := strings.IndexByte(rest, ':'); j > 0 {
			if n, err := strconv.Atoi(rest[:j]); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

// classify turns the error that ended a run into an ErrorInfo.
func (r *Runtime) classify(ctx context.Context, name string, err error) *ErrorInfo {
	if ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return &ErrorInfo{Kind: KindCanceled, Message: "the run was canceled by its caller: " + context.Cause(ctx).Error()}
	}
	var le *sandbox.LimitError
	if errors.As(err, &le) {
		return &ErrorInfo{Kind: le.Kind, Message: le.Message, Line: lineOf(err.Error(), name)}
	}
	if errors.Is(err, context.Canceled) {
		return &ErrorInfo{Kind: KindCanceled, Message: "the run was canceled by its caller"}
	}
	if goErr, ok := workos.ErrorFromLua(err); ok {
		return r.workosError(goErr, err)
	}
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		if t, ok := ae.Object.(*lua.LTable); ok {
			return tableError(t, ae, name)
		}
		msg := ae.Object.String()
		if ae.Type == lua.ApiErrorSyntax {
			return &ErrorInfo{Kind: KindSyntax, Message: msg, Line: lineOf(msg, name)}
		}
		return &ErrorInfo{Kind: KindRuntime, Message: msg, Line: lineOf(msg, name)}
	}
	return &ErrorInfo{Kind: KindRuntime, Message: err.Error(), Line: lineOf(err.Error(), name)}
}

// workosError describes an error from a workos call or the write policy. raw,
// when not nil, is the uncaught Lua error whose table carries the script line.
func (r *Runtime) workosError(goErr, raw error) *ErrorInfo {
	info := &ErrorInfo{Kind: KindRuntime, Message: goErr.Error()}
	var kinder interface{ Kind() string }
	if errors.As(goErr, &kinder) {
		info.Kind = kinder.Kind()
	}
	var ae *lua.ApiError
	if errors.As(raw, &ae) {
		if t, ok := ae.Object.(*lua.LTable); ok {
			if n, ok := t.RawGetString("line").(lua.LNumber); ok {
				info.Line = int(n)
			}
			if f, ok := t.RawGetString("function").(lua.LString); ok {
				info.Function = string(f)
			}
			if k, ok := t.RawGetString("kind").(lua.LString); ok {
				info.Kind = string(k)
			}
			if h, ok := t.RawGetString("hint").(lua.LString); ok {
				info.Hint = string(h)
			}
		}
	}
	var (
		api *workos.APIError
		pe  *PolicyError
		ve  *workos.ValidationError
	)
	switch {
	case errors.As(goErr, &pe):
		info.Kind = KindDenied
		info.Function = pe.Function
		info.Hint = "this runtime only allows the functions its host permits; use read functions or ask the host to allow writes"
	case errors.As(goErr, &api):
		info.Kind = KindAPI
		info.Status = api.Status
		info.Code = api.Code
		if info.Code == "" {
			info.Code = api.ErrorCode
		}
		info.RequestID = api.RequestID
		if info.Function == "" {
			info.Function = api.Function
		}
		info.Hint = apiHint(api.Status)
	case errors.As(goErr, &ve):
		info.Kind = KindValidation
		if info.Hint == "" {
			info.Hint = ve.Hint
		}
	}
	return info
}

// apiHint suggests a fix for common API statuses.
func apiHint(status int) string {
	switch {
	case status == 401:
		return "the API key is missing or invalid: set WORKOS_API_KEY or run `kosmo-lua auth set`"
	case status == 403:
		return "the API key lacks permission for this operation"
	case status == 404:
		return "check the id: list the resources first to find a valid one"
	case status == 409:
		return "the object already exists or conflicts with another; look it up instead of creating it"
	case status == 422:
		return "the API rejected the arguments; see error.message and workos.describe(name)"
	case status == 429:
		return "rate limited after retries; make fewer calls or wait before retrying"
	case status >= 500:
		return "WorkOS failed after retries; try again later"
	}
	return "wrap the call in pcall to handle the error in the script"
}

// tableError describes an error table the script raised itself (error({...})).
func tableError(t *lua.LTable, ae *lua.ApiError, name string) *ErrorInfo {
	info := &ErrorInfo{Kind: KindRuntime}
	if m, ok := t.RawGetString("message").(lua.LString); ok {
		info.Message = string(m)
	} else if data, err := luajson.Encode(t, &luajson.EncodeOptions{MaxBytes: 4096}); err == nil {
		info.Message = "error object: " + string(data)
	} else {
		info.Message = ae.Error()
	}
	if n, ok := t.RawGetString("line").(lua.LNumber); ok {
		info.Line = int(n)
	} else {
		// error(table) carries no position; the traceback does.
		info.Line = lineOf(ae.StackTrace, name)
	}
	if c, ok := t.RawGetString("code").(lua.LString); ok {
		info.Code = string(c)
	}
	return info
}

// finish fills the envelope's outcome, error, calls and stats.
func (r *Runtime) finish(res *Result, start time.Time, st *run, info *ErrorInfo) *Result {
	if st != nil {
		st.mu.Lock()
		res.Calls = append(res.Calls, st.calls...)
		res.Effects = st.effects
		st.mu.Unlock()
	}
	res.Stats.Calls = len(res.Calls)
	res.Stats.DurationMS = ms(time.Since(start))
	if info == nil {
		res.OK = true
		res.Outcome = OutcomeCompleted
		return res
	}
	res.OK = false
	res.Result = json.RawMessage("null")
	res.Error = info
	res.Outcome = outcomeOf(info.Kind)
	if info.Hint == "" {
		info.Hint = hintFor(info.Kind)
	}
	r.log.Debug("run ended", "outcome", res.Outcome, "kind", info.Kind, "calls", res.Stats.Calls)
	return res
}

// outcomeOf maps an error kind to the run's outcome.
func outcomeOf(kind string) Outcome {
	switch kind {
	case KindTimeout:
		return OutcomeTimeout
	case KindMemoryLimit, KindCallLimit, KindOutputLimit, KindStackOverflow:
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
	}
	return ""
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
