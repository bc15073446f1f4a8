package sandbox

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// strRep is string.rep(s, n [, sep]) with the size checked first.
func (s *Sandbox) strRep(L *lua.LState) int {
	coerceStringArgs(L)
	str := L.CheckString(1)
	n := float64(L.CheckNumber(2))
	sep := L.OptString(3, "")
	if n <= 0 || math.IsNaN(n) {
		L.Push(lua.LString(""))
		return 1
	}
	n = math.Floor(n)
	size := float64(len(str))*n + float64(len(sep))*(n-1)
	s.checkSize(L, "string.rep", size)
	if sep == "" {
		L.Push(lua.LString(strings.Repeat(str, int(n))))
		return 1
	}
	var b strings.Builder
	b.Grow(int(size))
	for i := 0; i < int(n); i++ {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(str)
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// tableConcat is table.concat(t [, sep [, i [, j]]]) with the total size
// computed (and checked) before the result is built.
func (s *Sandbox) tableConcat(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := L.OptString(2, "")
	i := int64(L.OptNumber(3, 1))
	j := int64(t.Len())
	if L.GetTop() >= 4 && L.Get(4) != lua.LNil {
		j = int64(L.CheckNumber(4))
	}
	if i > j {
		L.Push(lua.LString(""))
		return 1
	}
	piece := func(k int64) string {
		switch v := t.RawGetInt(int(k)).(type) {
		case lua.LString:
			return string(v)
		case lua.LNumber:
			return v.String()
		default:
			if sv, ok := StringValue(L, v); ok {
				return string(sv)
			}
			L.RaiseError("invalid value (at index %d) in table for 'concat'", k)
			return ""
		}
	}
	var total float64
	for k := i; k <= j; k++ {
		if (k-i)&ctxCheckMask == 0 {
			s.checkCtx(L)
		}
		total += float64(len(piece(k)))
		if k < j {
			total += float64(len(sep))
		}
		if total > float64(s.maxString) {
			s.raise(L, s.memoryError("table.concat", total))
		}
	}
	s.checkSize(L, "table.concat", total)
	var b strings.Builder
	b.Grow(int(total))
	for k := i; k <= j; k++ {
		b.WriteString(piece(k))
		if k < j {
			b.WriteString(sep)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}
