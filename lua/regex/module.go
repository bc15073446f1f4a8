package regex

import (
	"context"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// Defaults for [Options].
const (
	DefaultMaxPatternBytes = 16 << 10
	DefaultMaxSubjectBytes = 16 << 20
	DefaultMaxMatches      = 100_000
	// maxCache bounds the compiled patterns one module keeps.
	maxCache = 64
)

// Options configures a module. The zero value works: the defaults apply and
// limits raise plain Lua errors.
type Options struct {
	// Context, if set, is checked between matches and during long searches;
	// when it is done the call stops and Interrupted is called.
	Context context.Context
	// MaxPatternBytes caps a pattern's length (default 16 KiB).
	MaxPatternBytes int
	// MaxSubjectBytes caps the subject's length (default 16 MiB); hosts set
	// it to their string size limit so a subject counts against the run's
	// memory.
	MaxSubjectBytes int
	// MaxMatches caps the matches of one match_all or gsub call (default
	// 100000).
	MaxMatches int
	// CheckSize, if set, sees the size in bytes of every string the module is
	// about to build (gsub's result, as it grows) and may raise (the sandbox
	// ends the run with memory_limit). what names the function.
	CheckSize func(L *lua.LState, what string, size int)
	// Interrupted, if set, is called when Context is done; it must raise.
	// When nil the module raises "regex: <cause>".
	Interrupted func(L *lua.LState)
}

// Module is the state of one regex module: its options and its cache of
// compiled patterns. Use it from one Lua state.
type Module struct {
	opts  Options
	cache map[string]*compiled
}

// New returns a module with opts (nil means the zero Options).
func New(opts *Options) *Module {
	m := &Module{}
	if opts != nil {
		m.opts = *opts
	}
	if m.opts.MaxPatternBytes <= 0 {
		m.opts.MaxPatternBytes = DefaultMaxPatternBytes
	}
	if m.opts.MaxSubjectBytes <= 0 {
		m.opts.MaxSubjectBytes = DefaultMaxSubjectBytes
	}
	if m.opts.MaxMatches <= 0 {
		m.opts.MaxMatches = DefaultMaxMatches
	}
	return m
}

// Functions returns the module's Lua functions by name: match, match_all and
// gsub.
func (m *Module) Functions() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"match":     m.luaMatch,
		"match_all": m.luaMatchAll,
		"gsub":      m.luaGsub,
	}
}

// Table builds the module table (regex.match, regex.match_all, regex.gsub).
func (m *Module) Table(L *lua.LState) *lua.LTable {
	t := L.CreateTable(0, 3)
	for name, fn := range m.Functions() {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}

// compiled returns the compiled form of pattern with flags, from the cache
// when it can. A bad pattern raises its *PatternError's message.
func (m *Module) compiled(L *lua.LState, pattern, flags string) *compiled {
	if len(pattern) > m.opts.MaxPatternBytes {
		L.RaiseError("regex: the pattern is %d bytes; the limit is %d; use a shorter pattern", len(pattern), m.opts.MaxPatternBytes)
	}
	key := flags + "\x00" + pattern
	if c, ok := m.cache[key]; ok {
		return c
	}
	c, err := compile(pattern, flags)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	if m.cache == nil || len(m.cache) >= maxCache {
		m.cache = make(map[string]*compiled, 4)
	}
	m.cache[key] = c
	return c
}

// args reads (subject, pattern, flags) and returns a matcher over subject.
func (m *Module) args(L *lua.LState, fname string, flagsArg int) (*matcher, string) {
	subject := L.CheckString(1)
	pattern := L.CheckString(2)
	flags := ""
	if flagsArg > 0 {
		flags = L.OptString(flagsArg, "")
	}
	if len(subject) > m.opts.MaxSubjectBytes {
		L.RaiseError("regex.%s: the subject is %d bytes; the limit is %d; match smaller pieces", fname, len(subject), m.opts.MaxSubjectBytes)
	}
	c := m.compiled(L, pattern, flags)
	return newMatcher(m.opts.Context, c, subject, 0), subject
}

// interrupted raises when the context is done.
func (m *Module) checkDone(L *lua.LState) {
	ctx := m.opts.Context
	if ctx == nil || ctx.Err() == nil {
		return
	}
	if m.opts.Interrupted != nil {
		m.opts.Interrupted(L)
	}
	L.RaiseError("regex: %v", context.Cause(ctx))
}

// luaMatch is regex.match(subject, pattern [, flags]): the first match as a
// table (see matchTable), or nil.
func (m *Module) luaMatch(L *lua.LState) int {
	mt, subject := m.args(L, "match", 3)
	loc := mt.next()
	m.checkDone(L)
	if loc == nil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(matchTable(L, mt.c, subject, loc, true))
	return 1
}

// matchTable is one match as PHP's preg_match gives it, as KosmoKrator's
// bridge converts PHP lists to Lua sequences (index + 1): t[1] is the whole
// match, t[k+1] group k, t[name] a named group. A group that did not take
// part is "" ; with trimTail (preg_match) trailing ones are left out.
func matchTable(L *lua.LState, c *compiled, subject string, loc []int, trimTail bool) *lua.LTable {
	n := len(loc) / 2
	if trimTail {
		for n > 1 && loc[2*(n-1)] < 0 {
			n--
		}
	}
	t := L.CreateTable(n, 0)
	for k := 0; k < n; k++ {
		v := lua.LString("")
		if loc[2*k] >= 0 {
			v = lua.LString(subject[loc[2*k]:loc[2*k+1]])
		}
		t.RawSetInt(k+1, v)
		if k < len(c.names) && c.names[k] != "" {
			t.RawSetString(c.names[k], v)
		}
	}
	return t
}

// luaMatchAll is regex.match_all(subject, pattern [, flags]): every match in
// PHP's default PREG_PATTERN_ORDER, t[1] the list of whole matches and t[k+1]
// the list of group k's values (named groups also under their name), and the
// number of matches.
func (m *Module) luaMatchAll(L *lua.LState) int {
	mt, subject := m.args(L, "match_all", 3)
	groups := mt.c.re.NumSubexp() + 1
	lists := make([]*lua.LTable, groups)
	out := L.CreateTable(groups, 0)
	for k := range lists {
		lists[k] = L.CreateTable(4, 0)
		luajson.MarkArray(L, lists[k])
		out.RawSetInt(k+1, lists[k])
		if k < len(mt.c.names) && mt.c.names[k] != "" {
			out.RawSetString(mt.c.names[k], lists[k])
		}
	}
	count := 0
	for {
		loc := mt.next()
		if loc == nil {
			break
		}
		count++
		if count > m.opts.MaxMatches {
			L.RaiseError("regex.match_all: more than %d matches; use a narrower pattern or match smaller pieces", m.opts.MaxMatches)
		}
		for k := 0; k < groups; k++ {
			v := lua.LString("")
			if loc[2*k] >= 0 {
				v = lua.LString(subject[loc[2*k]:loc[2*k+1]])
			}
			lists[k].Append(v)
		}
		if count&255 == 0 {
			m.checkDone(L)
		}
	}
	m.checkDone(L)
	L.Push(out)
	L.Push(lua.LNumber(count))
	return 2
}

// luaGsub is regex.gsub(subject, pattern, repl [, limit]): replaces up to
// limit matches (all when limit is nil or negative) and returns the new string
// and the number of replacements. repl is a string with $n, ${n} or \n
// references (n 0..99), a function called with the match table (its string
// or number result replaces the match; nil or false remove it, as in PHP's
// preg_replace_callback), or a table indexed by the first group (the whole
// match when there is none; nil or false keep the match, as in string.gsub).
func (m *Module) luaGsub(L *lua.LState) int {
	mt, subject := m.args(L, "gsub", 0)
	repl := L.Get(3)
	switch repl.(type) {
	case lua.LString, lua.LNumber, *lua.LFunction, *lua.LTable:
	default:
		L.ArgError(3, "string, function or table expected, got "+repl.Type().String())
	}
	limit := -1
	if v := L.Get(4); v != lua.LNil {
		limit = int(L.CheckNumber(4))
	}
	var tmpl []replPart
	if s, ok := repl.(lua.LString); ok {
		tmpl = parseReplacement(string(s))
	} else if n, ok := repl.(lua.LNumber); ok {
		tmpl = parseReplacement(n.String())
	}
	out := make([]byte, 0, len(subject))
	last, count := 0, 0
	for limit < 0 || count < limit {
		loc := mt.next()
		if loc == nil {
			break
		}
		count++
		if count > m.opts.MaxMatches {
			L.RaiseError("regex.gsub: more than %d replacements; pass a limit or replace in smaller pieces", m.opts.MaxMatches)
		}
		out = append(out, subject[last:loc[0]]...)
		var piece string
		switch r := repl.(type) {
		case *lua.LFunction:
			piece = m.callRepl(L, r, matchTable(L, mt.c, subject, loc, true))
		case *lua.LTable:
			piece = tableRepl(L, r, subject, loc)
		default:
			piece = expand(tmpl, subject, loc)
		}
		m.grow(L, len(out)+len(piece)+len(subject)-loc[1])
		out = append(out, piece...)
		last = loc[1]
		if count&255 == 0 {
			m.checkDone(L)
		}
	}
	m.checkDone(L)
	out = append(out, subject[last:]...)
	L.Push(lua.LString(out))
	L.Push(lua.LNumber(count))
	return 2
}

// grow checks a result size against the host's limit.
func (m *Module) grow(L *lua.LState, size int) {
	if m.opts.CheckSize != nil {
		m.opts.CheckSize(L, "regex.gsub", size)
	}
}

// callRepl calls a replacement function with the match table.
func (m *Module) callRepl(L *lua.LState, fn *lua.LFunction, match *lua.LTable) string {
	L.Push(fn)
	L.Push(match)
	L.Call(1, 1)
	v := L.Get(-1)
	L.Pop(1)
	switch v := v.(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	case *lua.LNilType, lua.LBool:
		if v == lua.LTrue {
			L.RaiseError("regex.gsub: the replacement function returned true; return a string (nil or false remove the match)")
		}
		return ""
	}
	L.RaiseError("regex.gsub: the replacement function returned a %s; return a string or number", v.Type())
	return ""
}

// tableRepl looks the first group (or the whole match) up in t.
func tableRepl(L *lua.LState, t *lua.LTable, subject string, loc []int) string {
	a, b := loc[0], loc[1]
	if len(loc) > 2 && loc[2] >= 0 {
		a, b = loc[2], loc[3]
	}
	key := subject[a:b]
	switch v := L.GetField(t, key).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	case *lua.LNilType:
		return subject[loc[0]:loc[1]]
	case lua.LBool:
		if v == lua.LFalse {
			return subject[loc[0]:loc[1]]
		}
		L.RaiseError("regex.gsub: the replacement table holds true for %q; use a string", key)
	default:
		L.RaiseError("regex.gsub: the replacement table holds a %s for %q; use a string or number", v.Type(), key)
	}
	return ""
}

// replPart is a literal or a group reference of a replacement template.
type replPart struct {
	lit   string
	group int // -1 for a literal
}

// parseReplacement reads PHP's replacement syntax: $n, ${n} and \n (n 0..99)
// refer to groups; anything else is literal.
func parseReplacement(s string) []replPart {
	var parts []replPart
	lit := make([]byte, 0, len(s))
	flush := func() {
		if len(lit) > 0 {
			parts = append(parts, replPart{lit: string(lit), group: -1})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c == '$' || c == '\\') && i+1 < len(s) {
			j, braced := i+1, false
			if c == '$' && s[j] == '{' {
				j, braced = j+1, true
			}
			k := j
			for k < len(s) && k < j+2 && s[k] >= '0' && s[k] <= '9' {
				k++
			}
			if k > j && (!braced || k < len(s) && s[k] == '}') {
				n, _ := strconv.Atoi(s[j:k])
				flush()
				parts = append(parts, replPart{group: n})
				if braced {
					k++
				}
				i = k - 1
				continue
			}
		}
		lit = append(lit, c)
	}
	flush()
	return parts
}

// expand builds one replacement from a template; a group that does not exist
// or did not take part is empty.
func expand(parts []replPart, subject string, loc []int) string {
	if len(parts) == 1 && parts[0].group < 0 {
		return parts[0].lit
	}
	var b []byte
	for _, p := range parts {
		if p.group < 0 {
			b = append(b, p.lit...)
			continue
		}
		if 2*p.group+1 < len(loc) && loc[2*p.group] >= 0 {
			b = append(b, subject[loc[2*p.group]:loc[2*p.group+1]]...)
		}
	}
	return string(b)
}
