package sandbox

import (
	"errors"
	"fmt"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// libFunc is one function of a stock gopher-lua library that the sandbox
// keeps unchanged.
type libFunc struct {
	name string
	fn   *lua.LFunction
}

// stockLibs holds the stock gopher-lua functions that sandboxes keep, taken
// from the tables the stock Open* functions build. New builds each library
// table straight from these lists (pre-sized, no RegisterModule, none of
// the functions the sandbox removes), which is about twice as fast as
// opening the libraries and deleting from them.
//
// The *lua.LFunction values are shared by all sandboxes (see "Shared
// functions" in doc.go for why that is safe): each is a Go function with
// no upvalues, or ipairs/pairs with one upvalue holding such a function,
// and its Env is an empty table that no script can reach.
type stockLibs struct {
	base, str, tbl, mth, co, os []libFunc

	// ipairs is the stock closure over its iterator.
	ipairs *lua.LFunction
	// Stock functions the sandbox wraps (it calls them through).
	next, pairs, coCreate, coWrap, coResume, osDate *lua.LFunction
	// preload is the package.preload loader (package.loaders[1]). It looks
	// up package.preload through its Env, so each state gets its own
	// LFunction for it.
	preload lua.LGFunction

	version, gopherVersion lua.LValue
	pi, huge               lua.LValue
}

// stringFuncs makes the stock string functions accept string-like tables
// (see [StringValueField]). It runs before the template is published.
func stringFuncs(fs []libFunc) []libFunc {
	for _, f := range fs {
		if f.fn != nil {
			f.fn.GFunction = stringLike(f.fn.GFunction)
		}
	}
	return fs
}

// stock is the process-wide template of the stock libraries. It is built
// once, on first use, from a throwaway state and is immutable afterwards:
// no code writes to it or to the functions it holds.
var stock = sync.OnceValues(loadStock)

// loadStock opens the stock libraries in a throwaway state and collects
// the functions the sandbox keeps. It fails if gopher-lua's libraries no
// longer look as expected (a function missing or with unexpected
// upvalues), so an upgrade cannot silently change the sandbox.
func loadStock() (st *stockLibs, err error) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sandbox: opening the stock libraries: %v", r)
		}
	}()
	for _, lib := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
		{lua.OsLibName, lua.OpenOs},
	} {
		L.Push(L.NewFunction(lib.fn))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	var errs []error
	// env is the Env of the shared functions. No stock function kept here
	// reads or writes its Env, and scripts cannot reach it (no getfenv,
	// setfenv or debug), so it stays empty.
	env := L.CreateTable(0, 0)
	// plain returns a shared copy of a stock Go function without upvalues.
	plain := func(lib string, v lua.LValue) *lua.LFunction {
		f, ok := v.(*lua.LFunction)
		if !ok || !f.IsG || len(f.Upvalues) != 0 || f.GFunction == nil {
			errs = append(errs, fmt.Errorf("%s is %s, want a Go function without upvalues", lib, v.Type()))
			return nil
		}
		shared := L.NewFunction(f.GFunction)
		shared.Env = env
		return shared
	}
	// closure returns a shared copy of a stock Go closure over one plain Go
	// function (ipairs, pairs).
	closure := func(lib string, v lua.LValue) *lua.LFunction {
		f, ok := v.(*lua.LFunction)
		if !ok || !f.IsG || len(f.Upvalues) != 1 || f.Upvalues[0] == nil || f.GFunction == nil {
			errs = append(errs, fmt.Errorf("%s is %s, want a Go closure with one upvalue", lib, v.Type()))
			return nil
		}
		shared := L.NewClosure(f.GFunction, plain(lib+" iterator", f.Upvalues[0].Value()))
		shared.Env = env
		return shared
	}
	table := func(name string) *lua.LTable {
		t, ok := L.G.Global.RawGetString(name).(*lua.LTable)
		if !ok {
			errs = append(errs, fmt.Errorf("library %s missing", name))
			return L.NewTable()
		}
		return t
	}
	funcs := func(lib string, t *lua.LTable, names ...string) []libFunc {
		out := make([]libFunc, len(names))
		for i, name := range names {
			out[i] = libFunc{name: name, fn: plain(lib+"."+name, t.RawGetString(name))}
		}
		return out
	}

	g := L.G.Global
	str, tbl, mth, co, osT := table("string"), table("table"), table("math"), table("coroutine"), table("os")
	st = &stockLibs{
		// The base functions kept as they are; print, tostring, pcall, xpcall,
		// rawset, next and pairs are the sandbox's own (see openLibs).
		base: funcs("base", g, "assert", "error", "getmetatable", "rawequal", "rawget",
			"require", "select", "setmetatable", "tonumber", "type", "unpack"),
		// find, format, gmatch, gsub, match and rep are the sandbox's.
		str: stringFuncs(funcs("string", str, "byte", "char", "len", "lower", "reverse", "sub", "upper")),
		// concat and sort are the sandbox's.
		tbl: funcs("table", tbl, "getn", "insert", "maxn", "remove"),
		// random and randomseed are the sandbox's.
		mth: funcs("math", mth, "abs", "acos", "asin", "atan", "atan2", "ceil", "cos",
			"cosh", "deg", "exp", "floor", "fmod", "frexp", "ldexp", "log", "log10", "max",
			"min", "mod", "modf", "pow", "rad", "sin", "sinh", "sqrt", "tan", "tanh"),
		// create, wrap and resume are wrapped; yield is the sandbox's.
		co: funcs("coroutine", co, "running", "status"),
		// date is wrapped.
		os: funcs("os", osT, "clock", "difftime", "time"),

		ipairs:   closure("ipairs", g.RawGetString("ipairs")),
		next:     plain("next", g.RawGetString("next")),
		pairs:    closure("pairs", g.RawGetString("pairs")),
		coCreate: plain("coroutine.create", co.RawGetString("create")),
		coWrap:   plain("coroutine.wrap", co.RawGetString("wrap")),
		coResume: plain("coroutine.resume", co.RawGetString("resume")),
		osDate:   plain("os.date", osT.RawGetString("date")),

		version:       g.RawGetString("_VERSION"),
		gopherVersion: g.RawGetString("_GOPHER_LUA_VERSION"),
		pi:            mth.RawGetString("pi"),
		huge:          mth.RawGetString("huge"),
	}
	loaders, _ := L.G.Registry.RawGetString("_LOADERS").(*lua.LTable)
	if loaders == nil {
		errs = append(errs, errors.New("package library has no _LOADERS"))
	} else if f := plain("package.loaders[1]", loaders.RawGetInt(1)); f != nil {
		st.preload = f.GFunction
	}
	for _, v := range []lua.LValue{st.version, st.gopherVersion, st.pi, st.huge} {
		if v == lua.LNil {
			errs = append(errs, errors.New("_VERSION, _GOPHER_LUA_VERSION, math.pi or math.huge missing"))
			break
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("sandbox: gopher-lua's stock libraries changed; review the sandbox before upgrading: %w", errors.Join(errs...))
	}
	return st, nil
}
