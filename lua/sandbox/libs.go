package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
	"github.com/kosmo-lua/kosmo-lua/lua/regex"
)

const lockedMT = "locked"

// maxDateFormat bounds the format string of os.date.
const maxDateFormat = 1024

// openLibs builds the allowed libraries from the stock template (see
// stock.go; the stock functions are shared, see doc.go) and installs the
// sandbox versions of the functions that need it. Every table is created
// at its final size and holds only what the sandbox allows; nothing is
// opened and then removed.
func (s *Sandbox) openLibs(seed int64) (err error) {
	st, err := stock()
	if err != nil {
		return err
	}
	L := s.l
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sandbox: opening libraries: %v", r)
		}
	}()
	g := L.G.Global
	s.proxies = make(map[*lua.LTable]proxyInfo, 8)

	// base: the stock functions the sandbox keeps; dofile, loadfile, load,
	// loadstring, module, getfenv, setfenv, _printregs, newproxy and
	// collectgarbage are left out (see doc.go for why).
	g.RawSetString("_G", g)
	g.RawSetString("_VERSION", st.version)
	g.RawSetString("_GOPHER_LUA_VERSION", st.gopherVersion)
	setFuncs(g, st.base)
	g.RawSetString("ipairs", st.ipairs)

	// base: print, pcall, xpcall, rawset.
	g.RawSetString("print", L.NewFunction(s.basePrint))
	g.RawSetString("tostring", L.NewFunction(s.baseTostring))
	g.RawSetString("dump", L.NewFunction(s.baseDump))
	g.RawSetString("pcall", L.NewFunction(s.basePCall))
	g.RawSetString("xpcall", L.NewFunction(s.baseXPCall))
	g.RawSetString("rawset", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		if p, locked := s.proxies[t]; locked {
			L.RaiseError("cannot modify read-only table %s; copy what you need into a local table", p.name)
		}
		L.RawSet(t, L.CheckAny(2), L.CheckAny(3))
		L.SetTop(1)
		return 1
	}))

	// next and pairs see through the library proxies, so scripts can list
	// library functions (for k in pairs(string) do ... end).
	origNext := st.next
	next := L.NewFunction(func(L *lua.LState) int {
		if t, ok := L.Get(1).(*lua.LTable); ok {
			if p, locked := s.proxies[t]; locked {
				L.Replace(1, p.real)
			}
		}
		return callThrough(L, origNext)
	})
	g.RawSetString("next", next)
	origPairs := st.pairs
	g.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
		if t, ok := L.Get(1).(*lua.LTable); ok {
			if _, locked := s.proxies[t]; locked {
				// The state is the proxy, not the real table, so the
				// script never gets hold of a writable library table;
				// next sees through it.
				L.SetTop(0)
				L.Push(next)
				L.Push(t)
				L.Push(lua.LNil)
				return 3
			}
		}
		return callThrough(L, origPairs)
	}))

	// string: size-checked and interruptible replacements; no dump, no
	// gfind.
	str := L.CreateTable(0, len(st.str)+6)
	setFuncs(str, st.str)
	str.RawSetString("rep", L.NewFunction(s.strRep))
	str.RawSetString("format", L.NewFunction(s.strFormat))
	str.RawSetString("find", L.NewFunction(s.strFind))
	str.RawSetString("match", L.NewFunction(s.strMatch))
	str.RawSetString("gmatch", L.NewFunction(s.strGmatch))
	str.RawSetString("gsub", L.NewFunction(s.strGsub))

	// table: concat and sort check sizes and the context.
	tbl := L.CreateTable(0, len(st.tbl)+2)
	setFuncs(tbl, st.tbl)
	tbl.RawSetString("concat", L.NewFunction(s.tableConcat))
	tbl.RawSetString("sort", L.NewFunction(s.tableSort))

	// math: a per-run generator instead of the process-wide one.
	mth := L.CreateTable(0, len(st.mth)+4)
	setFuncs(mth, st.mth)
	mth.RawSetString("pi", st.pi)
	mth.RawSetString("huge", st.huge)
	pcg := rand.NewPCG(uint64(seed), uint64(seed)>>32^0x9e3779b97f4a7c15)
	rng := rand.New(pcg)
	mth.RawSetString("random", L.NewFunction(func(L *lua.LState) int { return mathRandom(L, rng) }))
	mth.RawSetString("randomseed", L.NewFunction(func(L *lua.LState) int {
		n := int64(L.CheckNumber(1))
		pcg.Seed(uint64(n), uint64(n)>>32^0x9e3779b97f4a7c15)
		return 0
	}))

	// coroutine: counted creation; resume re-raises limit errors.
	co := L.CreateTable(0, len(st.co)+3)
	setFuncs(co, st.co)
	s.wrapCoroutine(L, co, st)

	// os: the harmless functions only.
	osT := L.CreateTable(0, len(st.os)+1)
	setFuncs(osT, st.os)
	date := st.osDate
	osT.RawSetString("date", L.NewFunction(func(L *lua.LState) int {
		// Each directive can expand to a few dozen bytes: bound the format.
		if f, ok := L.Get(1).(lua.LString); ok && len(f) > maxDateFormat {
			L.ArgError(1, fmt.Sprintf("format longer than %d bytes", maxDateFormat))
		}
		return callThrough(L, date)
	}))

	// regex: PCRE-style patterns on RE2; subjects and results count against
	// the string size limit, searches stop at the deadline.
	rx := regex.New(&regex.Options{
		Context:         liveContext{s},
		MaxSubjectBytes: s.maxString,
		CheckSize:       func(L *lua.LState, what string, size int) { s.checkGrow(L, what, 0, size) },
		Interrupted:     s.checkCtx,
	})
	rxT := L.CreateTable(0, 3)
	for name, fn := range rx.Functions() {
		rxT.RawSetString(name, L.NewFunction(stringLike(fn)))
	}

	// json.
	js := luajson.NewModule(L)
	js.RawSetString("encode", L.NewFunction(s.jsonEncode))
	js.RawSetString("decode", L.NewFunction(s.jsonDecode))

	// package and require: only preloaded modules. require reads the
	// registry's _LOADED and _LOADERS; loaders holds only the preload
	// loader, and path/cpath are empty.
	reg := L.G.Registry
	preload := L.CreateTable(0, 4)
	loaded := L.CreateTable(0, 8)
	loaders := L.CreateTable(1, 0)
	loaders.RawSetInt(1, L.NewFunction(st.preload))
	reg.RawSetString("_LOADED", loaded)
	reg.RawSetString("_LOADERS", loaders)
	pkg := L.CreateTable(0, 5)
	pkg.RawSetString("preload", preload)
	pkg.RawSetString("loaded", loaded)
	pkg.RawSetString("loaders", loaders)
	pkg.RawSetString("path", lua.LString(""))
	pkg.RawSetString("cpath", lua.LString(""))

	// Read-only proxies for every library table, also in package.loaded.
	loaded.RawSetString("_G", g)
	for _, lib := range []struct {
		name string
		real *lua.LTable
	}{
		{"string", str}, {"table", tbl}, {"math", mth}, {"coroutine", co},
		{"os", osT}, {"json", js}, {"regex", rxT}, {"package", pkg},
	} {
		p := s.readOnly(L, lib.name, lib.real)
		g.RawSetString(lib.name, p)
		loaded.RawSetString(lib.name, p)
	}
	jsonProxy := g.RawGetString("json")
	preload.RawSetString("json", L.NewFunction(func(L *lua.LState) int {
		L.Push(jsonProxy)
		return 1
	}))

	// The string metatable: methods index the real table directly (fast);
	// getmetatable("") gives a read-only table whose __index is the
	// read-only string proxy, so nothing shared can be changed.
	strProxy := g.RawGetString("string")
	visible := L.CreateTable(0, 1)
	visible.RawSetString("__index", strProxy)
	smt := L.CreateTable(0, 2)
	smt.RawSetString("__index", str)
	smt.RawSetString("__metatable", s.readOnly(L, "getmetatable(\"\")", visible))
	L.SetMetatable(lua.LString(""), smt)
	return nil
}

// setFuncs stores the shared stock functions funcs in t.
func setFuncs(t *lua.LTable, funcs []libFunc) {
	for _, f := range funcs {
		t.RawSetString(f.name, f.fn)
	}
}

// readOnly returns an empty proxy table that reads through to real and
// refuses writes; its metatable is hidden.
func (s *Sandbox) readOnly(L *lua.LState, name string, real *lua.LTable) *lua.LTable {
	if s.refuseWrite == nil {
		// One __newindex for all proxies of this sandbox: the proxy is its
		// first argument and names the library.
		s.refuseWrite = L.NewFunction(func(L *lua.LState) int {
			name := "library"
			if p, ok := s.proxies[L.CheckTable(1)]; ok {
				name = p.name
			}
			L.RaiseError("cannot set %s.%s: library tables are read-only; use a local variable or your own table", name, L.Get(2).String())
			return 0
		})
	}
	p := L.CreateTable(0, 0)
	mt := L.CreateTable(0, 3)
	mt.RawSetString("__index", real)
	mt.RawSetString("__newindex", s.refuseWrite)
	mt.RawSetString("__metatable", lua.LString(lockedMT))
	p.Metatable = mt
	s.proxies[p] = proxyInfo{name: name, real: real}
	return p
}

// basePrint captures print output: arguments are converted with tostring
// (tables without __tostring as compact JSON when possible) and joined by
// tabs.
func (s *Sandbox) basePrint(L *lua.LState) int {
	top := L.GetTop()
	var b strings.Builder
	for i := 1; i <= top; i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		v := L.Get(i)
		if t, ok := v.(*lua.LTable); ok && L.GetMetaField(t, "__tostring") == lua.LNil {
			room := max(s.maxLog-s.LogBytes()-b.Len(), 1)
			js, err := luajson.Encode(t, &luajson.EncodeOptions{MaxBytes: room, Context: s.current()})
			if err == nil {
				b.Write(js)
				continue
			}
			var se *luajson.SizeError
			if errors.As(err, &se) {
				s.raise(L, s.outputError())
			}
			// A timeout or limit during the encoding ends the run; other
			// errors (no JSON form, too costly to walk) print tostring.
			s.checkCtx(L)
		}
		str := L.ToStringMeta(v).String()
		if b.Len()+len(str) > s.maxLog {
			s.raise(L, s.outputError())
		}
		b.WriteString(str)
	}
	s.addLog(L, b.String())
	return 0
}

func (s *Sandbox) outputError() *LimitError {
	return &LimitError{Kind: KindOutputLimit, Message: fmt.Sprintf("print output exceeded %d bytes; print less (summaries or counts instead of whole values)", s.maxLog)}
}

// addLog appends one captured line (counting a newline) or ends the run
// with output_limit.
func (s *Sandbox) addLog(L *lua.LState, line string) {
	s.logMu.Lock()
	over := s.logBytes+len(line)+1 > s.maxLog
	if !over {
		s.logs = append(s.logs, line)
		s.logBytes += len(line) + 1
	}
	s.logMu.Unlock()
	if over {
		s.raise(L, s.outputError())
	}
}

// afterProtectedCall turns a caught error into a re-raise when the run is
// over or the error is a stack overflow, so pcall cannot swallow limits.
func (s *Sandbox) afterProtectedCall(L *lua.LState, err error) {
	if s.current().Err() != nil {
		s.raiseAborted(L)
	}
	if isStackOverflow(err.Error()) {
		s.raise(L, stackOverflowError())
	}
}

func errorValue(err error) lua.LValue {
	var aerr *lua.ApiError
	if errors.As(err, &aerr) {
		return aerr.Object
	}
	return lua.LString(err.Error())
}

// basePCall is pcall that re-raises limit errors.
func (s *Sandbox) basePCall(L *lua.LState) int {
	L.CheckAny(1)
	v := L.Get(1)
	if v.Type() != lua.LTFunction && L.GetMetaField(v, "__call").Type() != lua.LTFunction {
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + v.Type().String() + " value"))
		return 2
	}
	nargs := L.GetTop() - 1
	if err := L.PCall(nargs, lua.MultRet, nil); err != nil {
		s.afterProtectedCall(L, err)
		L.Push(lua.LFalse)
		L.Push(errorValue(err))
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// baseXPCall is xpcall that re-raises limit errors.
func (s *Sandbox) baseXPCall(L *lua.LState) int {
	fn := L.CheckFunction(1)
	errfunc := L.CheckFunction(2)
	top := L.GetTop()
	L.Push(fn)
	if err := L.PCall(0, lua.MultRet, errfunc); err != nil {
		s.afterProtectedCall(L, err)
		L.Push(lua.LFalse)
		L.Push(errorValue(err))
		return 2
	}
	L.Insert(lua.LTrue, top+1)
	return L.GetTop() - top
}

// wrapCoroutine adds coroutine.create, wrap, resume and yield to co:
// creation is counted, resume re-raises limit errors and yield refuses to
// cross a Go function (see yield.go).
func (s *Sandbox) wrapCoroutine(L *lua.LState, co *lua.LTable, st *stockLibs) {
	count := func(L *lua.LState) {
		s.coroutines++
		if s.coroutines > s.maxCoroutines {
			s.raise(L, &LimitError{Kind: KindMemoryLimit, Message: fmt.Sprintf("more than %d coroutines created; reuse coroutines or use plain loops", s.maxCoroutines)})
		}
	}
	for _, f := range []libFunc{{"create", st.coCreate}, {"wrap", st.coWrap}} {
		orig := f.fn
		co.RawSetString(f.name, L.NewFunction(func(L *lua.LState) int {
			count(L)
			return callThrough(L, orig)
		}))
	}
	co.RawSetString("yield", L.NewFunction(s.yield))
	resume := st.coResume
	co.RawSetString("resume", L.NewFunction(func(L *lua.LState) int {
		n := callThrough(L, resume)
		if n >= 1 && L.Get(-n) == lua.LFalse {
			if s.current().Err() != nil {
				s.raiseAborted(L)
			}
			if n >= 2 && isStackOverflow(L.Get(-n+1).String()) {
				s.raise(L, stackOverflowError())
			}
		}
		return n
	}))
}

// callThrough calls fn with the current arguments and returns all results.
func callThrough(L *lua.LState, fn *lua.LFunction) int {
	nargs := L.GetTop()
	L.Insert(fn, 1)
	L.Call(nargs, lua.MultRet)
	return L.GetTop()
}

func mathRandom(L *lua.LState, rng *rand.Rand) int {
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(rng.Float64()))
	case 1:
		n := int64(L.CheckNumber(1))
		if n < 1 {
			L.ArgError(1, "interval is empty")
		}
		L.Push(lua.LNumber(rng.Int64N(n) + 1))
	default:
		lo, hi := int64(L.CheckNumber(1)), int64(L.CheckNumber(2))
		if lo > hi {
			L.ArgError(2, "interval is empty")
		}
		if hi-lo+1 <= 0 {
			L.ArgError(2, "interval is too large")
		}
		L.Push(lua.LNumber(lo + rng.Int64N(hi-lo+1)))
	}
	return 1
}

// jsonDecode is json.decode that stops when the run is over (a huge
// document cannot outlive the timeout or the memory limit).
func (s *Sandbox) jsonDecode(L *lua.LState) int {
	str := L.CheckString(1)
	v, err := luajson.DecodeString(L, str, &luajson.DecodeOptions{Context: s.current()})
	if err != nil {
		s.checkCtx(L)
		L.RaiseError("%s", err.Error())
	}
	L.Push(v)
	return 1
}

// jsonEncode is json.encode with the sandbox's string cap: a result larger
// than MaxStringBytes ends the run with memory_limit.
func (s *Sandbox) jsonEncode(L *lua.LState) int {
	v := L.CheckAny(1)
	opts := luajson.EncodeOptions{MaxBytes: s.maxString, Context: s.current()}
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		switch o := L.Get(2).(type) {
		case *lua.LTable:
			switch ind := o.RawGetString("indent").(type) {
			case lua.LString:
				opts.Indent = string(ind)
			case lua.LNumber:
				if ind > 0 && ind <= 16 {
					opts.Indent = strings.Repeat(" ", int(ind))
				}
			}
		case lua.LString:
			opts.Indent = string(o)
		default:
			L.ArgError(2, "options must be a table like {indent = \"  \"}")
		}
	}
	b, err := luajson.Encode(v, &opts)
	if err != nil {
		var se *luajson.SizeError
		if errors.As(err, &se) {
			s.raise(L, s.memoryError("json.encode", float64(se.Limit)+1))
		}
		s.checkCtx(L)
		L.RaiseError("%s", err.Error())
	}
	s.checkSize(L, "json.encode", float64(len(b)))
	L.Push(lua.LString(b))
	return 1
}
