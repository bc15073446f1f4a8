package sandbox

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// specials are the bytes that make a pattern more than plain text.
const specials = "^$*+?.([%-"

// posrelat converts a Lua string position (negative from the end).
func posrelat(pos int64, l int) int64 {
	if pos < 0 {
		pos += int64(l) + 1
	}
	if pos < 0 {
		return 0
	}
	return pos
}

// strFind is string.find(s, pattern [, init [, plain]]).
func (s *Sandbox) strFind(L *lua.LState) int { return s.strFindAux(L, true) }

// strMatch is string.match(s, pattern [, init]).
func (s *Sandbox) strMatch(L *lua.LState) int { return s.strFindAux(L, false) }

// strFindAux is string.find (find) or string.match: plain text (when
// asked, or when the pattern has no specials) is found with strings.Index.
func (s *Sandbox) strFindAux(L *lua.LState, find bool) int {
	coerceStringArgs(L)
	src := L.CheckString(1)
	pat := L.CheckString(2)
	init := posrelat(int64(L.OptNumber(3, 1)), len(src)) - 1
	if init < 0 {
		init = 0
	} else if init > int64(len(src)) {
		init = int64(len(src))
	}
	if find && (lua.LVAsBool(L.Get(4)) || !strings.ContainsAny(pat, specials)) {
		if idx := strings.Index(src[init:], pat); idx >= 0 {
			L.Push(lua.LNumber(int(init) + idx + 1))
			L.Push(lua.LNumber(int(init) + idx + len(pat)))
			return 2
		}
		L.Push(lua.LNil)
		return 1
	}
	ms := &matchState{s: s, L: L, src: src, pat: pat}
	p := 0
	anchor := len(pat) > 0 && pat[0] == '^'
	if anchor {
		p = 1
	}
	for s1 := int(init); ; s1++ {
		ms.level = 0
		ms.depth = 0
		if e := ms.match(s1, p); e != -1 {
			if find {
				L.Push(lua.LNumber(s1 + 1))
				L.Push(lua.LNumber(e))
				return ms.pushCaptures(-1, -1, false) + 2
			}
			return ms.pushCaptures(s1, e, true)
		}
		if s1 >= len(src) || anchor {
			break
		}
	}
	L.Push(lua.LNil)
	return 1
}

// strGmatch returns a lazy iterator over the matches.
func (s *Sandbox) strGmatch(L *lua.LState) int {
	coerceStringArgs(L)
	src := L.CheckString(1)
	pat := L.CheckString(2)
	pos := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		ms := &matchState{s: s, L: L, src: src, pat: pat}
		for ; pos <= len(src); pos++ {
			ms.level = 0
			ms.depth = 0
			if e := ms.match(pos, 0); e != -1 {
				start := pos
				pos = e
				if e == start {
					pos++ // empty match: advance at least one position
				}
				return ms.pushCaptures(start, e, true)
			}
		}
		return 0
	}))
	return 1
}

// strGsub is a linear-time gsub with a size cap on the result.
func (s *Sandbox) strGsub(L *lua.LState) int {
	coerceStringArgs(L)
	src := L.CheckString(1)
	pat := L.CheckString(2)
	repl := L.Get(3)
	switch repl.Type() {
	case lua.LTNumber, lua.LTString, lua.LTTable, lua.LTFunction:
	default:
		L.ArgError(3, "string/function/table expected")
	}
	maxN := int64(len(src) + 1)
	if L.GetTop() >= 4 && L.Get(4) != lua.LNil {
		maxN = int64(L.CheckNumber(4))
	}
	anchor := len(pat) > 0 && pat[0] == '^'
	p := 0
	if anchor {
		p = 1
	}
	ms := &matchState{s: s, L: L, src: src, pat: pat}
	var b strings.Builder
	add := func(piece string) {
		s.checkGrow(L, "string.gsub", b.Len(), len(piece))
		b.WriteString(piece)
	}
	var replStr string
	if repl.Type() == lua.LTString || repl.Type() == lua.LTNumber {
		replStr = lua.LVAsString(repl)
	}
	n := int64(0)
	pos := 0
	for n < maxN {
		ms.level = 0
		ms.depth = 0
		e := ms.match(pos, p)
		if e != -1 {
			n++
			s.gsubAddValue(ms, repl, replStr, pos, e, add)
		}
		if e != -1 && e > pos {
			pos = e
		} else if pos < len(src) {
			add(src[pos : pos+1])
			pos++
		} else {
			break
		}
		if anchor {
			break
		}
	}
	if pos < len(src) {
		add(src[pos:])
	}
	s.checkSize(L, "string.gsub", float64(b.Len()))
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// gsubAddValue appends the replacement of the match src[st:e] through
// add: repl expanded (%0-%9, %%) when it is a string or number, else the
// value of the table or function; nil or false keeps the match.
func (s *Sandbox) gsubAddValue(ms *matchState, repl lua.LValue, replStr string, st, e int, add func(string)) {
	L := ms.L
	var val lua.LValue
	switch r := repl.(type) {
	case lua.LString, lua.LNumber:
		for i := 0; i < len(replStr); i++ {
			c := replStr[i]
			if c != luaEsc {
				j := strings.IndexByte(replStr[i:], luaEsc)
				if j < 0 {
					add(replStr[i:])
					return
				}
				add(replStr[i : i+j])
				i += j - 1
				continue
			}
			i++
			if i >= len(replStr) {
				break
			}
			c = replStr[i]
			switch {
			case !isDigit(c):
				add(replStr[i : i+1])
			case c == '0':
				add(ms.src[st:e])
			default:
				v := ms.captureValue(int(c-'1'), st, e)
				add(lua.LVAsString(v))
			}
		}
		return
	case *lua.LTable:
		val = L.GetTable(r, ms.captureValue(0, st, e))
	case *lua.LFunction:
		L.Push(r)
		n := ms.pushCaptures(st, e, true)
		L.Call(n, 1)
		val = L.Get(-1)
		L.Pop(1)
	}
	switch v := val.(type) {
	case *lua.LNilType:
		add(ms.src[st:e])
	case lua.LBool:
		if !v {
			add(ms.src[st:e])
		} else {
			L.RaiseError("invalid replacement value (a boolean)")
		}
	case lua.LString:
		add(string(v))
	case lua.LNumber:
		add(v.String())
	default:
		L.RaiseError("invalid replacement value (a %s)", val.Type().String())
	}
}
