package workos

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// Batch concurrency bounds; see [Module.BatchConcurrency].
const (
	DefaultBatchConcurrency = 32
	MaxBatchConcurrency     = 64
	// MaxBatchItems bounds the calls of one workos.batch, checked before any
	// item is converted, so a sparse table cannot make the host allocate per
	// empty slot. It is far above any run's call budget.
	MaxBatchItems = 1000
)

// Module is the `workos` Lua module: one function per catalog operation plus the
// helpers paginate, list_all, batch, call, describe and functions. Configure it,
// then call [Module.Preload] on each *lua.LState. One Module may serve many
// states; it must not be changed after the first Preload.
//
// Calls go to Caller when it is set (for example a broker in another process);
// otherwise to an [api.Executor] built from Client, Authorize and Observe.
type Module struct {
	// Catalog resolves function names. If nil, CatalogFunc's.
	Catalog *catalog.Catalog
	// CatalogFunc, used when Catalog is nil, is called the first time a
	// script resolves a name, so a script that calls nothing never loads a
	// catalog. If nil, catalog.Default.
	CatalogFunc func() *catalog.Catalog
	// Caller executes the module's calls. If nil, an [api.Executor] with Client,
	// Authorize and Observe. When set, Client, Authorize and Observe are unused.
	Caller Caller
	// Client sends the requests. Required when Caller is nil.
	Client *api.Client
	// Authorize, if set, is called after validation and before every request
	// (each batch item included). A non-nil error refuses the call: it is raised
	// to the script with kind "denied", or the error's own Kind() when it
	// implements [api.Kinder]. It may be called from several goroutines at once
	// during workos.batch.
	Authorize func(ctx context.Context, op *catalog.Operation) error
	// Observe, if set, is called after every call, including refused and invalid
	// ones (Status 0; arguments rejected before a request was prepared
	// included), but not for what names no function. It may be called from several goroutines at once during
	// workos.batch.
	Observe func(api.CallRecord)
	// BatchConcurrency is how many workos.batch calls run at once when the script
	// does not say. If zero, [DefaultBatchConcurrency] (see the package
	// documentation for why 32). A script may pass {concurrency = n}; values
	// are clamped to 1..[MaxBatchConcurrency].
	BatchConcurrency int
	// Accounts lists the named accounts a script may select with
	// workos.<name>.fn(...) (KosmoKrator's app.integrations.workos.<name>.fn);
	// calls through one go to Caller.(AccountCaller).Account(name), and
	// "default" is always the module itself. If nil, there are none. An
	// account name shadows a function of the same name (hosts refuse such
	// names). Preload panics when it is set and Caller is no AccountCaller.
	Accounts []string
	// OnError, if set, sees every error a call returns before it is raised to
	// the script (or put in a batch result), on the goroutine that made the
	// call. The sandbox host uses it to end the run when the error is a limit.
	OnError func(error)
}

// Caller executes the calls of the workos module. Implementations must be safe
// for concurrent use (workos.batch calls from several goroutines).
type Caller interface {
	// Call validates, authorizes and sends one call of op with args (the
	// script's named arguments as luajson.ToGo gives them). batch is true for
	// calls made by workos.batch.
	Call(ctx context.Context, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error)
	// Reject records a call of op whose arguments were refused before a request
	// could be prepared (not a table, not convertible); err says why.
	Reject(op *catalog.Operation, err error, batch bool)
}

// Preload registers the module in L: require("workos"), the global `workos`,
// and app.integrations.workos (KosmoKrator's path; app and app.integrations are
// created when absent). All three are the same read-only table.
func (m *Module) Preload(L *lua.LState) {
	if m.Caller == nil && m.Client == nil {
		panic("workos: Module needs a Caller or a Client")
	}
	if _, ok := m.Caller.(AccountCaller); len(m.Accounts) > 0 && !ok {
		panic("workos: Module.Accounts needs a Caller that is an AccountCaller")
	}
	mod := m.NewTable(L)
	L.PreloadModule("workos", func(L *lua.LState) int {
		L.Push(mod)
		return 1
	})
	L.SetGlobal("workos", mod)
	app, ok := L.GetGlobal("app").(*lua.LTable)
	if !ok {
		app = L.NewTable()
		L.SetGlobal("app", app)
	}
	integ, ok := app.RawGetString("integrations").(*lua.LTable)
	if !ok {
		integ = L.NewTable()
		app.RawSetString("integrations", integ)
	}
	integ.RawSetString("workos", mod)
}

// state is the module's per-LState data.
type state struct {
	m      *Module
	caller Caller
	cat    *catalog.Catalog
	catFn  func() *catalog.Catalog
	proxy  *lua.LTable
	cache  *lua.LTable
	byFn   map[*lua.LFunction]*catalog.Operation
	fnByOp map[*catalog.Operation]*lua.LFunction
	// errFns are the metamethods shared by every error table's metatable.
	errTostring, errConcat, errIndex, errLen *lua.LFunction
	// accounts holds the default table's named accounts (Module.Accounts),
	// each table built on first use; nil in an account's own table.
	accounts map[string]*lua.LTable
}

// NewTable builds the module table for L without registering it anywhere.
// Functions are created on first access (through a metatable __index) and
// cached, so an unused function costs nothing.
func (m *Module) NewTable(L *lua.LState) *lua.LTable {
	caller := m.Caller
	if caller == nil {
		caller = &api.Executor{Client: m.Client, Authorize: m.Authorize, Observe: m.Observe}
	}
	s := m.newState(L, caller, nil)
	s.cache.RawSetString("default", s.proxy) // app.integrations.workos.default.fn
	if len(m.Accounts) > 0 {
		s.accounts = make(map[string]*lua.LTable, len(m.Accounts))
		for _, name := range m.Accounts {
			s.accounts[name] = nil // built on first use
		}
	}
	return s.proxy
}

// newState builds a module table whose calls go to caller; byFn, when
// non-nil, is shared with the state it belongs to (an account's table
// resolves the default table's function values too).
func (m *Module) newState(L *lua.LState, caller Caller, byFn map[*lua.LFunction]*catalog.Operation) *state {
	if byFn == nil {
		byFn = map[*lua.LFunction]*catalog.Operation{}
	}
	s := &state{m: m, caller: caller, cat: m.Catalog, catFn: m.CatalogFunc, byFn: byFn, fnByOp: map[*catalog.Operation]*lua.LFunction{}}
	if s.catFn == nil {
		s.catFn = catalog.Default
	}
	s.proxy = L.CreateTable(0, 0)
	s.cache = L.CreateTable(0, 16)
	impl := s.helperFunctions()
	for _, h := range Helpers() {
		s.cache.RawSetString(h.Name, L.NewFunction(impl[h.Name]))
	}
	s.cache.RawSetString("null", luajson.NullValue(L))
	cacheMT := L.CreateTable(0, 1)
	cacheMT.RawSetString("__index", L.NewFunction(s.luaIndex))
	s.cache.Metatable = cacheMT

	proxyMT := L.CreateTable(0, 3)
	proxyMT.RawSetString("__index", s.cache)
	proxyMT.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("workos: the workos module is read-only (tried to set %q); keep your own values in a local table", L.ToStringMeta(L.Get(2)).String())
		return 0
	}))
	proxyMT.RawSetString("__metatable", lua.LString("workos: the module's metatable is protected"))
	s.proxy.Metatable = proxyMT

	s.errTostring = L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(t.RawGetString("text"))
		return 1
	})
	s.errLen = L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(lua.LNumber(len(lua.LVAsString(t.RawGetString("text")))))
		return 1
	})
	s.errConcat = L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(L.ToStringMeta(L.Get(1)).String() + L.ToStringMeta(L.Get(2)).String()))
		return 1
	})
	// String methods on the error (err:match("404"), err:find(...)) apply to its
	// text, so scripts written for KosmoKrator's string errors keep working.
	s.errIndex = L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		k := L.CheckString(2)
		f, ok := stringMethod(L, k)
		if !ok {
			return 0
		}
		L.Push(L.NewFunction(func(L *lua.LState) int {
			top := L.GetTop()
			args := make([]lua.LValue, 0, top)
			args = append(args, t.RawGetString("text"))
			for i := 2; i <= top; i++ {
				args = append(args, L.Get(i))
			}
			L.Push(f)
			for _, a := range args {
				L.Push(a)
			}
			L.Call(len(args), lua.MultRet)
			return L.GetTop() - top
		}))
		return 1
	})
	return s
}

// catalog returns the module's catalog, loading it on first use. States are
// used from one goroutine, and batch goroutines resolve nothing.
func (s *state) catalog() *catalog.Catalog {
	if s.cat == nil {
		s.cat = s.catFn()
	}
	return s.cat
}

// helperFunctions implements each of [Helpers] (a test checks they match).
func (s *state) helperFunctions() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"paginate":  s.luaPaginate,
		"list_all":  s.luaListAll,
		"batch":     s.luaBatch,
		"call":      s.luaCall,
		"describe":  s.luaDescribe,
		"functions": s.luaFunctions,
	}
}

// stringMethod finds the string method name the way ("x"):name does: in the
// string metatable's raw __index. The global string may be a read-only proxy
// (the sandbox's) or anything a script rebound it to, and getmetatable("")
// may be protected, so neither is used.
func stringMethod(L *lua.LState, name string) (*lua.LFunction, bool) {
	lib, ok := L.GetMetaField(lua.LString(""), "__index").(*lua.LTable)
	if !ok {
		return nil, false
	}
	f, ok := lib.RawGetString(name).(*lua.LFunction)
	return f, ok
}

// luaIndex resolves workos.<name> on a cache miss.
func (s *state) luaIndex(L *lua.LState) int {
	key := L.Get(2)
	name, ok := key.(lua.LString)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	if t, ok := s.accountTable(L, string(name)); ok {
		L.Push(t)
		return 1
	}
	op, err := s.catalog().Lookup(string(name))
	if err != nil {
		s.raise(L, nil, s.unknownName(err))
	}
	fn := s.function(L, op)
	s.cache.RawSetString(string(name), fn)
	L.Push(fn)
	return 1
}

// pushCall makes one call of op and pushes its answer; a failure is raised.
func (s *state) pushCall(L *lua.LState, op *catalog.Operation, args map[string]any) int {
	v, err := s.callOne(L, op, args)
	if err != nil {
		s.raise(L, op, err)
	}
	L.Push(v)
	return 1
}

// rejectArgs records a call whose arguments were refused and raises err.
func (s *state) rejectArgs(L *lua.LState, op *catalog.Operation, err error) {
	s.observeRejected(op, err, false)
	s.raise(L, op, err)
}

// function returns the (cached) Lua function for op.
func (s *state) function(L *lua.LState, op *catalog.Operation) *lua.LFunction {
	if fn, ok := s.fnByOp[op]; ok {
		return fn
	}
	fn := L.NewFunction(func(L *lua.LState) int {
		args, err := s.argsFromStack(L, op)
		if err != nil {
			s.rejectArgs(L, op, err)
		}
		return s.pushCall(L, op, args)
	})
	s.fnByOp[op] = fn
	s.byFn[fn] = op
	return fn
}

// resolve turns a function name or a workos function value into its operation.
// Anything else is a *ValidationError naming param (where the name was
// expected) and carrying hint (a correct call).
func (s *state) resolve(v lua.LValue, param, hint string) (*catalog.Operation, error) {
	switch v := v.(type) {
	case lua.LString:
		return s.catalog().Lookup(string(v))
	case *lua.LFunction:
		if op, ok := s.byFn[v]; ok {
			return op, nil
		}
		return nil, &api.ValidationError{Param: param, Problem: "expected a function name such as \"organizations_list\" or a workos function, got a function that is not part of the workos module", Hint: hint}
	case *lua.LNilType:
		return nil, &api.ValidationError{Param: param, Problem: "missing function name", Hint: hint}
	}
	return nil, &api.ValidationError{Param: param, Problem: "expected a function name such as \"organizations_list\" or a workos function, got " + v.Type().String(), Hint: hint}
}

// observeRejected reports a call of op whose arguments were rejected before a
// request could be prepared (not a table, not convertible).
func (s *state) observeRejected(op *catalog.Operation, err error, batch bool) {
	s.caller.Reject(op, err, batch)
}

// positionalKeys is the order positional arguments map onto: path parameters in
// template order, then query and header parameters in specification order, then
// the body (KosmoKrator's declaration order).
func positionalKeys(op *catalog.Operation) []string {
	var keys []string
	for _, p := range op.Params {
		if p.In == catalog.InPath {
			keys = append(keys, p.Key)
		}
	}
	for _, p := range op.Params {
		if p.In != catalog.InPath {
			keys = append(keys, p.Key)
		}
	}
	if op.Body != nil {
		keys = append(keys, api.ArgBody)
	}
	return keys
}

// argsFromStack reads the call's arguments: one table of named arguments, or
// positional values in [positionalKeys] order.
func (s *state) argsFromStack(L *lua.LState, op *catalog.Operation) (map[string]any, error) {
	n := L.GetTop()
	if n == 0 {
		return map[string]any{}, nil
	}
	if t, ok := L.Get(1).(*lua.LTable); ok {
		if n > 1 {
			for i := 2; i <= n; i++ {
				if L.Get(i) != lua.LNil {
					return nil, &api.ValidationError{Function: op.Name, Problem: "got a table followed by more arguments",
						Hint: "pass one table of named arguments, e.g. " + op.ExampleCall()}
				}
			}
		}
		return tableArgs(L, op, t)
	}
	keys := positionalKeys(op)
	args := map[string]any{}
	for i := 1; i <= n; i++ {
		v := L.Get(i)
		if v == lua.LNil {
			continue
		}
		if i > len(keys) {
			return nil, &api.ValidationError{Function: op.Name, Problem: fmt.Sprintf("too many positional arguments (%d; it takes %d: %s)", n, len(keys), strings.Join(keys, ", ")),
				Hint: "pass one table of named arguments, e.g. " + op.ExampleCall()}
		}
		gv, err := toGo(L, v)
		if err != nil {
			return nil, &api.ValidationError{Function: op.Name, Param: keys[i-1], Problem: err.Error(), Hint: "pass strings, numbers, booleans or tables"}
		}
		args[keys[i-1]] = gv
	}
	return args, nil
}

// toGo converts a script's argument to Go within the run's context, so a
// conversion that walks a huge table stops when the run ends.
func toGo(L *lua.LState, v lua.LValue) (any, error) {
	return luajson.ToGoWithOptions(v, &luajson.ToGoOptions{Context: L.Context()})
}

func tableArgs(L *lua.LState, op *catalog.Operation, t *lua.LTable) (map[string]any, error) {
	gv, err := toGo(L, t)
	if err != nil {
		return nil, &api.ValidationError{Function: op.Name, Problem: "arguments cannot be converted: " + err.Error(), Hint: "pass strings, numbers, booleans, tables and json.null only"}
	}
	switch v := gv.(type) {
	case map[string]any:
		return v, nil
	case []any:
		if len(v) == 0 {
			return map[string]any{}, nil
		}
	}
	return nil, &api.ValidationError{Function: op.Name, Problem: "arguments must be a table of named values, got a list",
		Hint: "pass named arguments, e.g. " + op.ExampleCall()}
}

// call runs one call through the module's Caller. It is safe to run off the
// Lua goroutine (it does not touch L).
func (s *state) call(ctx context.Context, op *catalog.Operation, args map[string]any, batch bool) (*api.Result, error) {
	res, err := s.caller.Call(ctx, op, args, batch)
	if err != nil && s.m.OnError != nil {
		s.m.OnError(err)
	}
	return res, err
}

func luaContext(L *lua.LState) context.Context {
	if ctx := L.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// callOne runs a call on the Lua goroutine and converts its result.
func (s *state) callOne(L *lua.LState, op *catalog.Operation, args map[string]any) (lua.LValue, error) {
	res, err := s.call(luaContext(L), op, args, false)
	if err != nil {
		return lua.LNil, err
	}
	return s.resultValue(L, res), nil
}

// resultValue converts a result to Lua: decoded JSON; {success = true, status =
// N} for an empty body (and location for a redirect); {body = text, status = N}
// for a body that is not JSON; {dry_run = true, request = {...}} for a dry run.
func (s *state) resultValue(L *lua.LState, res *api.Result) lua.LValue {
	if v, ok := res.Answer(); ok {
		return luajson.FromGo(L, v)
	}
	if v, err := luajson.Decode(L, bytes.TrimSpace(res.Body)); err == nil {
		return v
	}
	return luajson.FromGo(L, res.RawAnswer())
}

// raise raises err as a Lua error table (see errorTable). It does not return.
func (s *state) raise(L *lua.LState, op *catalog.Operation, err error) {
	L.Error(s.errorTable(L, op, err, scriptLine(L)), 1)
}

// errorTable converts an error to the table scripts see from pcall: kind,
// message, the APIError fields, function/method/path, line, and a __tostring
// giving the full message.
func (s *state) errorTable(L *lua.LState, op *catalog.Operation, err error, line int) *lua.LTable {
	t := L.CreateTable(0, 12)
	set := func(k string, v lua.LValue) { t.RawSetString(k, v) }
	setStr := func(k, v string) {
		if v != "" {
			set(k, lua.LString(v))
		}
	}
	kind := api.KindOf(err)
	text := err.Error()
	message := text
	if op != nil {
		setStr("function", op.Name)
		setStr("method", op.Method)
		setStr("path", op.Path)
	}
	var (
		ae *api.APIError
		ve *api.ValidationError
		ne *api.NetworkError
		le *catalog.LookupError
		te *api.ResponseTooLargeError
	)
	switch {
	case errors.As(err, &ae):
		message = ae.Message
		if message == "" {
			message = ae.Summary()
		}
		for k, v := range ae.Extra {
			if t.RawGetString(k) == lua.LNil {
				set(k, luajson.FromGo(L, v))
			}
		}
		set("status", lua.LNumber(ae.Status))
		setStr("code", ae.Code)
		setStr("error", ae.ErrorCode)
		setStr("error_description", ae.ErrorDescription)
		setStr("request_id", ae.RequestID)
		setStr("function", ae.Function)
		setStr("method", ae.Method)
		setStr("path", ae.Path)
		if ae.Retries > 0 {
			set("retries", lua.LNumber(ae.Retries))
		}
		if ae.RetryAfter > 0 {
			set("retry_after", lua.LNumber(ae.RetryAfter.Seconds()))
		}
		if len(ae.Errors) > 0 {
			arr := L.CreateTable(len(ae.Errors), 0)
			for _, fe := range ae.Errors {
				m := map[string]any{}
				for k, v := range map[string]string{"field": fe.Field, "code": fe.Code, "message": fe.Message, "property": fe.Property} {
					if v != "" {
						m[k] = v
					}
				}
				if len(fe.Constraints) > 0 {
					c := map[string]any{}
					for k, v := range fe.Constraints {
						c[k] = v
					}
					m["constraints"] = c
				}
				arr.Append(luajson.FromGo(L, m))
			}
			luajson.MarkArray(L, arr)
			set("errors", arr)
		}
	case errors.As(err, &ve):
		setStr("function", ve.Function)
		setStr("param", ve.Param)
		setStr("problem", ve.Problem)
		setStr("hint", ve.Hint)
	case errors.As(err, &ne):
		setStr("path", ne.Path)
		set("attempts", lua.LNumber(ne.Attempts))
	case errors.As(err, &te):
		set("status", lua.LNumber(te.Status))
		setStr("request_id", te.RequestID)
		setStr("path", te.Path)
	case errors.As(err, &le):
		setStr("name", le.Name)
		if len(le.Candidates) > 0 {
			set("candidates", luajson.FromGo(L, toAnySlice(le.Candidates)))
		}
		if len(le.Suggestions) > 0 {
			set("suggestions", luajson.FromGo(L, toAnySlice(le.Suggestions)))
		}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		name := ""
		if op != nil {
			name = op.Name + ": "
		}
		text = "workos: " + name + "call canceled: " + err.Error() + " (the script's deadline or a cancellation stopped it)"
		message = text
	}
	setStr("kind", kind)
	setStr("message", message)
	setStr("text", text)
	if line > 0 {
		set("line", lua.LNumber(line))
	}
	mt := L.CreateTable(0, 7)
	mt.RawSetString("__tostring", s.errTostring)
	// The string library treats the table as its text (string.match(err,
	// "404"), string.format("%s", err), ...) and #err is the text's length,
	// as for KosmoKrator's string errors.
	mt.RawSetString(stringValueField, s.errTostring)
	mt.RawSetString("__len", s.errLen)
	mt.RawSetString("__concat", s.errConcat)
	mt.RawSetString("__index", s.errIndex)
	mt.RawSetString("__metatable", lua.LString("workos error"))
	ud := L.NewUserData()
	ud.Value = &RaisedError{Err: err, Line: line}
	mt.RawSetString(goErrorKey, ud)
	t.Metatable = mt
	return t
}

// stringValueField is lua/sandbox's StringValueField (a test checks they
// match); the module does not import the sandbox, whose init changes
// gopher-lua process-wide.
const stringValueField = "__string"

// goErrorKey is the metatable field holding the Go error behind an error table.
const goErrorKey = "__workos_go_error"

// RaisedError is what the module knows of an error it raised to a script:
// the Go error and the script line that made the call. It is kept on the Go
// side of the error table (which scripts may rewrite), so hosts classify an
// error from this, never from the table's fields.
type RaisedError struct {
	Err  error
	Line int
}

// ErrorFromLua returns the error behind a workos error: err may be the
// *lua.ApiError that an uncaught workos error produces (from DoString, PCall,
// ...). Its Err is the original *api.APIError, *api.ValidationError,
// *api.NetworkError, ... (use errors.As); ok is false when the value is not a
// workos error table.
func ErrorFromLua(err error) (*RaisedError, bool) {
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		return nil, false
	}
	return ErrorFromValue(ae.Object)
}

// ErrorFromValue is [ErrorFromLua] for a Lua value (an error table).
func ErrorFromValue(v lua.LValue) (*RaisedError, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, false
	}
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		return nil, false
	}
	ud, ok := mt.RawGetString(goErrorKey).(*lua.LUserData)
	if !ok {
		return nil, false
	}
	re, ok := ud.Value.(*RaisedError)
	return re, ok
}

// scriptLine is the line of the innermost Lua function on the call stack (the
// script line that made the call, even through pcall or an iterator); 0 when
// unknown.
func scriptLine(L *lua.LState) int {
	for level := 1; level < 16; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("l", dbg, lua.LNil); err == nil && dbg.CurrentLine > 0 {
			return dbg.CurrentLine
		}
	}
	return 0
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
