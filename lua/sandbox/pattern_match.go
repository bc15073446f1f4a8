package sandbox

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// Limits and markers of the matcher, as in PUC-Lua.
const (
	// maxCaptures is LUA_MAXCAPTURES.
	maxCaptures = 32
	// maxMatchDepth bounds the recursion of match: "pattern too complex"
	// past it. Each level is one item of the pattern, never one byte of
	// the subject.
	maxMatchDepth = 200
	// capUnfinished and capPosition are capture.len of an open capture
	// and of a position capture ().
	capUnfinished = -1
	capPosition   = -2
	luaEsc        = '%'
)

// capture is one capture of a match: src[init:init+len], or a marker len.
type capture struct {
	init int
	len  int
}

// matchState is the Lua 5.1 pattern matcher, ported from PUC-Lua
// lstrlib.c. Unlike gopher-lua's matcher, its recursion depth is bounded by
// the pattern (not the subject), and every few thousand steps it checks the
// run context so a pathological pattern cannot outlive the timeout.
// Malformed patterns raise Lua errors through L.
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

func matchClass(c, cl byte) bool {
	var res bool
	lower := cl | 0x20
	switch lower {
	case 'a':
		res = isAlpha(c)
	case 'c':
		res = c < 0x20 || c == 0x7f
	case 'd':
		res = isDigit(c)
	case 'l':
		res = c >= 'a' && c <= 'z'
	case 'p':
		res = c >= 0x21 && c <= 0x2f || c >= 0x3a && c <= 0x40 || c >= 0x5b && c <= 0x60 || c >= 0x7b && c <= 0x7e
	case 's':
		res = c == ' ' || c >= '\t' && c <= '\r'
	case 'u':
		res = c >= 'A' && c <= 'Z'
	case 'w':
		res = isAlpha(c) || isDigit(c)
	case 'x':
		res = isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
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
			if p+1 < len(pat) && isEscapeItem(pat[p+1]) {
				if s, p = ms.matchEscapeItem(s, p); s == -1 {
					return -1
				}
				continue
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

// isEscapeItem reports whether %c is a pattern item of its own (%b, %f or a
// back reference) rather than a character class.
func isEscapeItem(c byte) bool { return c == 'b' || c == 'f' || isDigit(c) }

// matchEscapeItem matches the item %b, %f or %1-%9 at pat[p] against
// src[s:] and returns where the subject and the pattern continue, or s ==
// -1 when it does not match.
func (ms *matchState) matchEscapeItem(s, p int) (int, int) {
	switch next := ms.pat[p+1]; next {
	case 'b':
		return ms.matchBalance(s, p+2), p + 4
	case 'f':
		return ms.matchFrontier(s, p+2)
	default:
		return ms.matchCapture(s, next), p + 2
	}
}

// matchFrontier matches the frontier %f[set] whose set starts at pat[p]:
// the empty string between a byte not in set and one in it (the subject's
// ends count as \0). It returns s and the pattern after the set, or -1.
func (ms *matchState) matchFrontier(s, p int) (int, int) {
	if p >= len(ms.pat) || ms.pat[p] != '[' {
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
		return -1, ep
	}
	return s, ep
}

// captureValue returns capture i of the match src[s:e] (or the whole match
// when there are no captures and i == 0).
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
