package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// engine runs scripts in sandboxes of the process it lives in. With process
// isolation (the default) it lives in a worker process and its calls go back
// to the host over a pipe; with in-process isolation it lives in the host.
// Either way its workos calls go to a [workos.Caller] the host controls: the
// engine holds no key and applies no policy.
type engine struct {
	// catalog resolves names; it is called only when a script needs it, so a
	// worker that runs `return 1` never parses the catalog.
	catalog func() *catalog.Catalog
	gov     *sandbox.Governor
	// spare is a worker's sandbox prepared for its next job (engine_spare.go);
	// nil in-process, where runs are concurrent.
	spare *spareSandbox
}

// job is one script for an engine, with the host's limits already merged.
type job struct {
	Name   string          `json:"name"`
	Source string          `json:"-"` // sent as the frame's payload
	Args   json.RawMessage `json:"args,omitempty"`
	Limits Limits          `json:"limits"`
	// MaxLogBytes caps the captured print output.
	MaxLogBytes int `json:"max_log_bytes"`
	// Accounts are the named accounts the script may select
	// (workos.<name>.fn); the host keeps their keys.
	Accounts []string `json:"accounts,omitempty"`
	// DataLimit is the worker process's data-segment limit for this job, or 0;
	// the worker sizes its Go memory limit below it.
	DataLimit int64 `json:"data_limit,omitempty"`
	// Docs is the host's policy for the docs module's pages; nil allows all.
	Docs *docsPolicy `json:"docs,omitempty"`
	// DocsTimeout is the run's time limit as the caller set it, which the
	// docs module's limits guide shows: a worker process is sent the time
	// left in Limits.Timeout.
	DocsTimeout time.Duration `json:"docs_timeout,omitempty"`
}

// report is what came of a job: what the engine saw. The host checks it
// against its own facts before it becomes an envelope.
type report struct {
	Result json.RawMessage `json:"-"` // sent as the frame's payload
	Logs   []string        `json:"logs,omitempty"`
	Error  *ErrorInfo      `json:"error,omitempty"`
	// MemoryBytes is the peak memory the run was measured to use; nil when
	// nothing was measured.
	MemoryBytes *int64 `json:"memory_bytes,omitempty"`
}

// failed returns a report of an error that ended a job.
func failed(info *ErrorInfo) *report { return &report{Error: info} }

// run runs one job in a fresh sandbox whose calls go to caller.
func (e *engine) run(ctx context.Context, j *job, caller workos.Caller) *report {
	proto, info := e.compile(j)
	if info != nil {
		return failed(info)
	}
	runCtx, cancel := context.WithTimeout(ctx, j.Limits.Timeout)
	defer cancel()
	sb, err := e.newSandbox(runCtx, j, caller)
	if err != nil {
		return failed(&ErrorInfo{Kind: KindRuntime, Message: err.Error()})
	}
	defer sb.Close()
	return e.execute(ctx, sb, j, proto, 0)
}

// compile checks the script's size and shape, then pre-flights and
// compiles it. The cheap linear check comes first: gopher-lua's parser and
// compiler recurse over the syntax tree and cannot be interrupted. (The host
// has already refused an oversized script; see checkSize.)
func (e *engine) compile(j *job) (*lua.FunctionProto, *ErrorInfo) {
	if se := sandbox.CheckSource(j.Source, sandbox.SourceLimits{MaxBytes: j.Limits.MaxScriptBytes}); se != nil {
		kind := KindScriptTooComplex
		if se.Kind == sandbox.KindSourceTooLarge {
			kind = KindScriptTooLarge
		}
		return nil, &ErrorInfo{Kind: kind, Message: capText(se.Message), Line: se.Line, Column: se.Column}
	}
	chunk, info := preflight(e.catalog, j.Name, j.Source, j.Accounts)
	if info != nil {
		return nil, info
	}
	proto, err := lua.Compile(chunk, j.Name)
	if err != nil {
		return nil, &ErrorInfo{Kind: KindSyntax, Message: capText(err.Error()), Line: lineOf(err.Error(), j.Name)}
	}
	return proto, nil
}

// checkSize refuses a script over the size cap before anything parses it.
func checkSize(src string, max int) *ErrorInfo {
	if max <= 0 || len(src) <= max {
		return nil
	}
	return &ErrorInfo{Kind: KindScriptTooLarge,
		Message: fmt.Sprintf("the script is %d bytes; the limit is %d", len(src), max),
		Hint:    "send a shorter script: loop over data instead of unrolling it, and pass data in args"}
}

// newSandbox builds a sandbox with the workos module wired to caller and the
// docs module (engine_docs.go). A limit
// error that a call returns (the host's call budget) ends the run at once.
func (e *engine) newSandbox(ctx context.Context, j *job, caller workos.Caller) (*sandbox.Sandbox, error) {
	sb, err := e.startSandbox(ctx, j)
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	mod := &workos.Module{CatalogFunc: e.catalog, Caller: caller, Accounts: j.Accounts, OnError: func(err error) {
		var le *sandbox.LimitError
		if errors.As(err, &le) {
			sb.Abort(le)
		}
	}}
	mod.Preload(sb.L())
	sb.L().SetGlobal("docs", e.docsModule(sb.L(), j))
	return sb, nil
}

// execute runs a compiled chunk in sb and reports. logsFrom skips the log lines
// of earlier inputs of a session.
func (e *engine) execute(ctx context.Context, sb *sandbox.Sandbox, j *job, proto *lua.FunctionProto, logsFrom int) *report {
	L := sb.L()
	rep := &report{}
	if info := setArgs(L, j.Args); info != nil {
		rep.Error = info
		return rep
	}
	base := L.GetTop()
	L.Push(L.NewFunctionFromProto(proto))
	err := sb.PCall(0, lua.MultRet)
	defer L.SetTop(base)
	if logs := sb.Logs(); len(logs) > logsFrom {
		rep.Logs = logs[logsFrom:]
	}
	if used := sb.MemoryUsed(); used > 0 {
		rep.MemoryBytes = &used
	}
	if err != nil {
		rep.Error = classify(ctx, j.Name, err)
		return rep
	}
	rep.Result, rep.Error = encodeResults(L, base, j.Limits.MaxOutputBytes)
	return rep
}

// setArgs exposes the script's arguments (JSON) as the global args. It sets
// the global raw: a metatable an earlier session input put on _G must not run
// host-side.
func setArgs(L *lua.LState, args json.RawMessage) *ErrorInfo {
	if len(args) == 0 {
		return nil
	}
	v, err := luajson.Decode(L, args)
	if err != nil {
		return &ErrorInfo{Kind: KindValidation, Message: "runtime: args: " + capText(err.Error()), Hint: "pass args as a JSON value"}
	}
	L.G.Global.RawSetString("args", v)
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
	out, err := luajson.Encode(v, &luajson.EncodeOptions{MaxBytes: maxBytes, Context: L.Context()})
	if err == nil {
		return out, nil
	}
	var se *luajson.SizeError
	if errors.As(err, &se) {
		return summarize(v, maxBytes), nil
	}
	if L.Context() != nil && L.Context().Err() != nil {
		return nil, &ErrorInfo{Kind: KindTimeout, Message: "the run's time ran out while its result was being encoded; return less data"}
	}
	return nil, &ErrorInfo{Kind: KindRuntime, Message: "the script's return value cannot be encoded as JSON: " + capText(err.Error()),
		Hint: "return tables, strings, numbers, booleans or nil (not functions, coroutines or cyclic tables)"}
}
