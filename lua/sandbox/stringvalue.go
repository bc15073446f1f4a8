package sandbox

import (
	lua "github.com/yuin/gopher-lua"
)

// StringValueField is the metatable field that makes a table stand for a
// string in the string library: when a string function (string.find, match,
// format, len, sub, gsub, ...) or a string method gets such a table as an
// argument, it calls the field's function with the table and uses the string
// it returns instead. Hosts use it for error values: KosmoKrator raises
// strings, so string.match(err, "404") must work on kosmo-lua's error tables
// exactly as on their message. Scripts may use it for their own values too;
// it only changes what string functions accept.
const StringValueField = "__string"

// coerceStringArgs replaces every argument of the current Go call that is a
// string-like table (see [StringValueField]) by its string. Other values are
// left for the function's own checks, so the errors stay Lua's.
func coerceStringArgs(L *lua.LState) {
	top := L.GetTop()
	for i := 1; i <= top; i++ {
		t, ok := L.Get(i).(*lua.LTable)
		if !ok {
			continue
		}
		if s, ok := StringValue(L, t); ok {
			L.Replace(i, s)
		}
	}
}

// StringValue returns the string a string-like table stands for (see
// [StringValueField]); ok is false for any other value. The field's function
// may be script code; a result that is not a string raises an error.
func StringValue(L *lua.LState, v lua.LValue) (lua.LString, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return "", false
	}
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		return "", false
	}
	f := mt.RawGetString(StringValueField)
	if f == lua.LNil {
		return "", false
	}
	L.Push(f)
	L.Push(t)
	L.Call(1, 1)
	r := L.Get(-1)
	L.Pop(1)
	switch r := r.(type) {
	case lua.LString:
		return r, true
	case lua.LNumber:
		return lua.LString(r.String()), true
	}
	L.RaiseError("the %s metamethod returned a %s; it must return a string", StringValueField, r.Type())
	return "", false
}

// stringLike wraps a stock string function so it accepts string-like tables.
// The wrapper calls fn directly (no extra Lua frame).
func stringLike(fn lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		coerceStringArgs(L)
		return fn(L)
	}
}
