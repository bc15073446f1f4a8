package sandbox

import (
	"fmt"
	"math"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The Lua 5.1 pattern matcher, ported from PUC-Lua lstrlib.c. Unlike
// gopher-lua's matcher, its recursion depth is bounded by the pattern (not
// the subject), gmatch is lazy, gsub builds its result in one buffer
// (linear time), and every few thousand steps it checks the run context so
// a pathological pattern cannot outlive the timeout.

const (
	maxCaptures   = 32
	maxMatchDepth = 200
	capUnfinished = -1
	capPosition   = -2
	ctxCheckMask  = 1<<12 - 1
	luaEsc        = '%'
	specials      = "^$*+?.([%-"
)

type capture struct {
	init int
	len  int
}

type matchState struct {
	s       *Sandbox
	L       *lua.LState
	src     string
	pat     string
	level   int
	depth   int
	steps   int
	capture [maxCaptures]capture
}

func (ms *matchState) step() {
	ms.steps++
	if ms.steps&ctxCheckMask == 0 {
		ms.s.checkCtx(ms.L)
	}
}

func (ms *matchState) errorf(format string, args ...any) {
	ms.L.RaiseError("%s", fmt.Sprintf(format, args...))
}

func (ms *matchState) classEnd(p int) int {
	pat := ms.pat
	c := pat[p]
	p++
	switch c {
	case luaEsc:
		if p >= len(pat) {
			ms.errorf("malformed pattern (ends with '%%')")
		}
		return p + 1
	case '[':
		if p < len(pat) && pat[p] == '^' {
			p++
		}
		for {
			if p >= len(pat) {
				ms.errorf("malformed pattern (missing ']')")
			}
			c := pat[p]
			p++
			if c == luaEsc && p < len(pat) {
				p++
			}
			if p < len(pat) && pat[p] == ']' {
				return p + 1
			}
			if p >= len(pat) {
				ms.errorf("malformed pattern (missing ']')")
			}
		}
	default:
		return p
	}
}

func isalpha(c byte) bool  { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isdigitb(c byte) bool { return c >= '0' && c <= '9' }

func matchClass(c, cl byte) bool {
	var res bool
	lower := cl | 0x20
	switch lower {
	case 'a':
		res = isalpha(c)
	case 'c':
		res = c < 0x20 || c == 0x7f
	case 'd':
		res = isdigitb(c)
	case 'l':
		res = c >= 'a' && c <= 'z'
	case 'p':
		res = c >= 0x21 && c <= 0x2f || c >= 0x3a && c <= 0x40 || c >= 0x5b && c <= 0x60 || c >= 0x7b && c <= 0x7e
	case 's':
		res = c == ' ' || c >= '\t' && c <= '\r'
	case 'u':
		res = c >= 'A' && c <= 'Z'
	case 'w':
		res = isalpha(c) || isdigitb(c)
	case 'x':
		res = isdigitb(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	case 'z':
		res = c == 0
	default:
		return cl == c
	}
	if cl >= 'A' && cl <= 'Z' {
		return !res
	}
	return res
}

// matchBracketClass: p is at '[', ec at the closing ']'.
func (ms *matchState) matchBracketClass(c byte, p, ec int) bool {
	pat := ms.pat
	sig := true
	if pat[p+1] == '^' {
		sig = false
		p++
	}
	for p++; p < ec; p++ {
		if pat[p] == luaEsc {
			p++
			if matchClass(c, pat[p]) {
				return sig
			}
		} else if p+2 < ec && pat[p+1] == '-' {
			if pat[p] <= c && c <= pat[p+2] {
				return sig
			}
			p += 2
		} else if pat[p] == c {
			return sig
		}
	}
	return !sig
}

func (ms *matchState) singleMatch(s, p, ep int) bool {
	if s >= len(ms.src) {
		return false
	}
	c := ms.src[s]
	switch ms.pat[p] {
	case '.':
		return true
	case luaEsc:
		return matchClass(c, ms.pat[p+1])
	case '[':
		return ms.matchBracketClass(c, p, ep-1)
	default:
		return ms.pat[p] == c
	}
}

func (ms *matchState) matchBalance(s, p int) int {
	if p+1 >= len(ms.pat) {
		ms.errorf("malformed pattern (missing arguments to '%%b')")
	}
	if s >= len(ms.src) || ms.src[s] != ms.pat[p] {
		return -1
	}
	b, e := ms.pat[p], ms.pat[p+1]
	cont := 1
	for s++; s < len(ms.src); s++ {
		ms.step()
		switch ms.src[s] {
		case e:
			cont--
			if cont == 0 {
				return s + 1
			}
		case b:
			cont++
		}
	}
	return -1
}

func (ms *matchState) maxExpand(s, p, ep int) int {
	i := 0
	for ms.singleMatch(s+i, p, ep) {
		i++
		ms.step()
	}
	for ; i >= 0; i-- {
		if res := ms.match(s+i, ep+1); res != -1 {
			return res
		}
		ms.step()
	}
	return -1
}

func (ms *matchState) minExpand(s, p, ep int) int {
	for {
		if res := ms.match(s, ep+1); res != -1 {
			return res
		}
		ms.step()
		if ms.singleMatch(s, p, ep) {
			s++
		} else {
			return -1
		}
	}
}

func (ms *matchState) startCapture(s, p, what int) int {
	if ms.level >= maxCaptures {
		ms.errorf("too many captures")
	}
	ms.capture[ms.level] = capture{init: s, len: what}
	ms.level++
	res := ms.match(s, p)
	if res == -1 {
		ms.level--
	}
	return res
}

func (ms *matchState) endCapture(s, p int) int {
	l := ms.captureToClose()
	ms.capture[l].len = s - ms.capture[l].init
	res := ms.match(s, p)
	if res == -1 {
		ms.capture[l].len = capUnfinished
	}
	return res
}

func (ms *matchState) captureToClose() int {
	for level := ms.level - 1; level >= 0; level-- {
		if ms.capture[level].len == capUnfinished {
			return level
		}
	}
	ms.errorf("invalid pattern capture")
	return 0
}

func (ms *matchState) checkCapture(l byte) int {
	i := int(l) - '1'
	if i < 0 || i >= ms.level || ms.capture[i].len == capUnfinished {
		ms.errorf("invalid capture index")
	}
	return i
}

func (ms *matchState) matchCapture(s int, l byte) int {
	i := ms.checkCapture(l)
	c := ms.capture[i]
	if c.len < 0 {
		return -1 // a position capture never matches as text (as in PUC-Lua)
	}
	if len(ms.src)-s >= c.len && ms.src[c.init:c.init+c.len] == ms.src[s:s+c.len] {
		return s + c.len
	}
	return -1
}

// match returns the end of the match of pat[p:] at src[s:], or -1.
func (ms *matchState) match(s, p int) int {
	ms.depth++
	if ms.depth > maxMatchDepth {
		ms.errorf("pattern too complex")
	}
	defer func() { ms.depth-- }()
	pat := ms.pat
	for {
		ms.step()
		if p >= len(pat) {
			return s
		}
		switch pat[p] {
		case '(':
			if p+1 < len(pat) && pat[p+1] == ')' {
				return ms.startCapture(s, p+2, capPosition)
			}
			return ms.startCapture(s, p+1, capUnfinished)
		case ')':
			return ms.endCapture(s, p+1)
		case '$':
			if p+1 == len(pat) {
				if s == len(ms.src) {
					return s
				}
				return -1
			}
		case luaEsc:
			if p+1 < len(pat) {
				switch next := pat[p+1]; {
				case next == 'b':
					s = ms.matchBalance(s, p+2)
					if s == -1 {
						return -1
					}
					p += 4
					continue
				case next == 'f':
					p += 2
					if p >= len(pat) || pat[p] != '[' {
						ms.errorf("missing '[' after '%%f' in pattern")
					}
					ep := ms.classEnd(p)
					var prev, cur byte
					if s > 0 {
						prev = ms.src[s-1]
					}
					if s < len(ms.src) {
						cur = ms.src[s]
					}
					if ms.matchBracketClass(prev, p, ep-1) || !ms.matchBracketClass(cur, p, ep-1) {
						return -1
					}
					p = ep
					continue
				case isdigitb(next):
					s = ms.matchCapture(s, next)
					if s == -1 {
						return -1
					}
					p += 2
					continue
				}
			}
		}
		// default: a single-char class, maybe followed by a repetition.
		ep := ms.classEnd(p)
		m := ms.singleMatch(s, p, ep)
		if ep < len(pat) {
			switch pat[ep] {
			case '?':
				if m {
					if res := ms.match(s+1, ep+1); res != -1 {
						return res
					}
				}
				p = ep + 1
				continue
			case '*':
				return ms.maxExpand(s, p, ep)
			case '+':
				if m {
					return ms.maxExpand(s+1, p, ep)
				}
				return -1
			case '-':
				return ms.minExpand(s, p, ep)
			}
		}
		if !m {
			return -1
		}
		s++
		p = ep
	}
}

// pushOneCapture pushes capture i (or the whole match s..e when there are
// no captures and i == 0).
func (ms *matchState) captureValue(i, s, e int) lua.LValue {
	if i >= ms.level {
		if i == 0 {
			return lua.LString(ms.src[s:e])
		}
		ms.errorf("invalid capture index")
	}
	c := ms.capture[i]
	switch c.len {
	case capUnfinished:
		ms.errorf("unfinished capture")
	case capPosition:
		return lua.LNumber(c.init + 1)
	}
	return lua.LString(ms.src[c.init : c.init+c.len])
}

func (ms *matchState) pushCaptures(s, e int, wholeIfNone bool) int {
	n := ms.level
	if n == 0 && wholeIfNone {
		n = 1
	}
	for i := 0; i < n; i++ {
		ms.L.Push(ms.captureValue(i, s, e))
	}
	return n
}

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

func (s *Sandbox) strFind(L *lua.LState) int  { return s.strFindAux(L, true) }
func (s *Sandbox) strMatch(L *lua.LState) int { return s.strFindAux(L, false) }

func (s *Sandbox) strFindAux(L *lua.LState, find bool) int {
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
		if b.Len()+len(piece) > s.maxString {
			s.raise(L, s.memoryError("string.gsub", float64(b.Len()+len(piece))))
		}
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
			case !isdigitb(c):
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

// strRep is string.rep(s, n [, sep]) with the size checked first.
func (s *Sandbox) strRep(L *lua.LState) int {
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

// strFormat is Lua 5.1 string.format with widths and precisions of at most
// two digits and a size check on the result.
func (s *Sandbox) strFormat(L *lua.LState) int {
	fs := L.CheckString(1)
	top := L.GetTop()
	arg := 1
	out := make([]byte, 0, len(fs)+16)
	grow := func(n int) {
		if len(out)+n > s.maxString {
			s.raise(L, s.memoryError("string.format", float64(len(out)+n)))
		}
	}
	for i := 0; i < len(fs); i++ {
		c := fs[i]
		if c != '%' {
			j := strings.IndexByte(fs[i:], '%')
			if j < 0 {
				j = len(fs) - i
			}
			grow(j)
			out = append(out, fs[i:i+j]...)
			i += j - 1
			continue
		}
		i++
		if i < len(fs) && fs[i] == '%' {
			out = append(out, '%')
			continue
		}
		start := i
		for i < len(fs) && strings.IndexByte("-+ #0", fs[i]) >= 0 {
			i++
		}
		if i-start > 5 {
			L.RaiseError("invalid format (repeated flags)")
		}
		digits := func() {
			d := 0
			for i < len(fs) && isdigitb(fs[i]) {
				i++
				d++
			}
			if d > 2 {
				L.RaiseError("invalid format (width or precision too long)")
			}
		}
		digits()
		hasPrec := false
		if i < len(fs) && fs[i] == '.' {
			hasPrec = true
			i++
			digits()
		}
		if i >= len(fs) {
			L.RaiseError("%s", "invalid option '%' to 'format'")
		}
		spec := "%" + fs[start:i]
		conv := fs[i]
		arg++
		if arg > top && conv != '%' {
			L.ArgError(arg, "no value")
		}
		var piece string
		switch conv {
		case 'c':
			piece = fmt.Sprintf(spec+"s", string([]byte{byte(int64(L.CheckNumber(arg)))}))
		case 'd', 'i':
			piece = fmt.Sprintf(spec+"d", int64(L.CheckNumber(arg)))
		case 'o', 'u', 'x', 'X':
			v := int64(L.CheckNumber(arg))
			verb := string(conv)
			if conv == 'u' {
				verb = "d"
			}
			if v < 0 {
				piece = fmt.Sprintf(spec+verb, uint64(v))
			} else {
				piece = fmt.Sprintf(spec+verb, v)
			}
		case 'e', 'E', 'f', 'g', 'G':
			f := float64(L.CheckNumber(arg))
			sp := spec
			if !hasPrec {
				sp += ".6"
			}
			switch {
			case math.IsInf(f, 1):
				piece = fmt.Sprintf(strings.TrimSuffix(sp, ".6")+"s", "inf")
			case math.IsInf(f, -1):
				piece = fmt.Sprintf(strings.TrimSuffix(sp, ".6")+"s", "-inf")
			case math.IsNaN(f):
				piece = fmt.Sprintf(strings.TrimSuffix(sp, ".6")+"s", "nan")
			default:
				piece = fmt.Sprintf(sp+string(conv), f)
			}
		case 'q':
			str := L.CheckString(arg)
			grow(2*len(str) + 2)
			out = appendQuoted(out, str)
			continue
		case 's':
			str := L.ToStringMeta(L.Get(arg)).String()
			if !hasPrec && len(str) >= 100 {
				grow(len(str))
				out = append(out, str...)
				continue
			}
			piece = fmt.Sprintf(spec+"s", str)
		default:
			L.RaiseError("invalid option '%%%c' to 'format'", conv)
		}
		grow(len(piece))
		out = append(out, piece...)
	}
	s.checkSize(L, "string.format", float64(len(out)))
	L.Push(lua.LString(out))
	return 1
}

func appendQuoted(out []byte, s string) []byte {
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\n':
			out = append(out, '\\', '\n')
		case '\r':
			out = append(out, '\\', 'r')
		case 0:
			out = append(out, '\\', '0', '0', '0')
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
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
