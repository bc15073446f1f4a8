package sandbox

import (
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// luaSorter sorts with the Lua < operator or a Lua comparator, checking
// the run context every few thousand comparisons.
type luaSorter struct {
	s     *Sandbox
	L     *lua.LState
	fn    lua.LValue
	vals  []lua.LValue
	count int
}

func (ls *luaSorter) Len() int      { return len(ls.vals) }
func (ls *luaSorter) Swap(i, j int) { ls.vals[i], ls.vals[j] = ls.vals[j], ls.vals[i] }
func (ls *luaSorter) Less(i, j int) bool {
	ls.count++
	if ls.count&ctxCheckMask == 0 {
		ls.s.checkCtx(ls.L)
	}
	a, b := ls.vals[i], ls.vals[j]
	if ls.fn != lua.LNil {
		ls.L.Push(ls.fn)
		ls.L.Push(a)
		ls.L.Push(b)
		ls.L.Call(2, 1)
		r := ls.L.Get(-1)
		ls.L.Pop(1)
		return lua.LVAsBool(r)
	}
	if an, ok := a.(lua.LNumber); ok {
		if bn, ok := b.(lua.LNumber); ok {
			return an < bn
		}
	}
	if as, ok := a.(lua.LString); ok {
		if bs, ok := b.(lua.LString); ok {
			return as < bs
		}
	}
	return ls.L.LessThan(a, b)
}

// tableSort is table.sort(t [, comp]).
func (s *Sandbox) tableSort(L *lua.LState) int {
	t := L.CheckTable(1)
	fn := lua.LValue(lua.LNil)
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		fn = L.CheckFunction(2)
	}
	n := t.Len()
	vals := make([]lua.LValue, n)
	for i := range vals {
		vals[i] = t.RawGetInt(i + 1)
	}
	sort.Sort(&luaSorter{s: s, L: L, fn: fn, vals: vals})
	for i, v := range vals {
		t.RawSetInt(i+1, v)
	}
	return 0
}
