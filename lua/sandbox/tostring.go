package sandbox

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// Bounds of [Sandbox.renderTable], the text tostring gives a table.
const (
	// maxTostringBytes caps the text; longer renderings end in "...".
	maxTostringBytes = 8 << 10
	// maxTostringDepth caps nesting; deeper tables render as "<table>".
	maxTostringDepth = 16
	// maxTostringKeys caps the non-sequence keys of one table that are
	// sorted; a table with more renders as a note.
	maxTostringKeys = 10000
)

// renderTable renders a table the way KosmoKrator's tostring shows table
// contents: compact JSON-like text, sequences as [..], other tables as {..}
// with keys in a fixed order (sequence part, then numbers, then strings), a
// nested table's own __tostring wins, functions and other values that have
// no JSON form as quoted "<function>" etc., cycles as "<cycle>". The text is
// cut at maxTostringBytes; work is bounded by that size and the run's
// context.
func (s *Sandbox) renderTable(L *lua.LState, t *lua.LTable) string {
	r := &tableRenderer{s: s, L: L, null: luajson.NullValue(L), seen: map[*lua.LTable]bool{}}
	r.table(t, 0, true)
	out := r.b.String()
	if r.cut {
		out += "..."
	}
	return out
}

type tableRenderer struct {
	s     *Sandbox
	L     *lua.LState
	null  lua.LValue
	b     strings.Builder
	seen  map[*lua.LTable]bool
	cut   bool
	steps int
}

func (r *tableRenderer) write(s string) {
	if r.cut {
		return
	}
	if r.b.Len()+len(s) > maxTostringBytes {
		r.b.WriteString(s[:maxTostringBytes-r.b.Len()])
		r.cut = true
		return
	}
	r.b.WriteString(s)
}

func (r *tableRenderer) value(v lua.LValue, depth int) {
	if r.cut {
		return
	}
	r.steps++
	if r.steps&ctxCheckMask == 0 {
		r.s.checkCtx(r.L)
	}
	switch v := v.(type) {
	case lua.LString:
		r.write(strconv.Quote(string(v)))
	case lua.LNumber:
		r.write(v.String())
	case lua.LBool:
		r.write(strconv.FormatBool(bool(v)))
	case *lua.LNilType:
		r.write("null")
	case *lua.LTable:
		r.table(v, depth, false)
	default:
		if v == r.null {
			r.write("null")
			return
		}
		r.write(`"<` + v.Type().String() + `>"`)
	}
}

// table renders t; top is true for the table tostring was called on (whose
// own __tostring the caller already ruled out).
func (r *tableRenderer) table(t *lua.LTable, depth int, top bool) {
	if !top && r.L.GetMetaField(t, "__tostring") != lua.LNil {
		r.write(strconv.Quote(r.L.ToStringMeta(t).String()))
		return
	}
	if r.seen[t] {
		r.write(`"<cycle>"`)
		return
	}
	if depth >= maxTostringDepth {
		r.write(`"<table>"`)
		return
	}
	r.seen[t] = true
	defer delete(r.seen, t)
	// The sequence part: 1..n without holes (t.Len may count past a hole).
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	type kv struct {
		k lua.LValue
		v lua.LValue
	}
	var rest []kv
	over := false
	t.ForEach(func(k, v lua.LValue) {
		if f, ok := k.(lua.LNumber); ok && f >= 1 && f <= lua.LNumber(n) && f == lua.LNumber(int(f)) {
			return
		}
		if len(rest) >= maxTostringKeys {
			over = true
			return
		}
		if len(rest)&ctxCheckMask == ctxCheckMask {
			r.s.checkCtx(r.L)
		}
		rest = append(rest, kv{k, v})
	})
	if over {
		// Sorting more keys than fit in the text is not worth the time.
		r.write(`"<table with more than ` + strconv.Itoa(maxTostringKeys) + ` keys>"`)
		return
	}
	if len(rest) == 0 && (n > 0 || luajson.IsArray(t)) {
		r.write("[")
		for i := 1; i <= n && !r.cut; i++ {
			if i > 1 {
				r.write(",")
			}
			r.value(t.RawGetInt(i), depth+1)
		}
		r.write("]")
		return
	}
	slices.SortFunc(rest, func(a, b kv) int {
		an, aNum := a.k.(lua.LNumber)
		bn, bNum := b.k.(lua.LNumber)
		switch {
		case aNum && bNum:
			return cmp.Compare(an, bn)
		case aNum:
			return -1
		case bNum:
			return 1
		}
		return strings.Compare(a.k.String(), b.k.String())
	})
	r.write("{")
	first := true
	sep := func() {
		if !first {
			r.write(",")
		}
		first = false
	}
	for i := 1; i <= n && !r.cut; i++ {
		sep()
		r.write(`"` + strconv.Itoa(i) + `":`)
		r.value(t.RawGetInt(i), depth+1)
	}
	for _, e := range rest {
		if r.cut {
			break
		}
		sep()
		switch k := e.k.(type) {
		case lua.LString:
			r.write(strconv.Quote(string(k)) + ":")
		case lua.LNumber:
			r.write(strconv.Quote(k.String()) + ":")
		default:
			r.write(`"<` + k.Type().String() + `>":`)
		}
		r.value(e.v, depth+1)
	}
	r.write("}")
}

// baseTostring is tostring with KosmoKrator's rendering of tables (see
// renderTable); a table's __tostring still wins, other values are as in Lua.
func (s *Sandbox) baseTostring(L *lua.LState) int {
	v := L.CheckAny(1)
	if t, ok := v.(*lua.LTable); ok && L.GetMetaField(t, "__tostring") == lua.LNil {
		L.Push(lua.LString(s.renderTable(L, t)))
		return 1
	}
	L.Push(L.ToStringMeta(v))
	return 1
}

// baseDump is dump(...): each value is written to the captured output as
// KosmoKrator's dump does (tables as indented JSON, or the tostring rendering
// when they have no JSON form; other values with tostring), and the values are
// returned unchanged.
func (s *Sandbox) baseDump(L *lua.LState) int {
	top := L.GetTop()
	if top == 0 {
		s.addLog(L, "nil")
		return 0
	}
	for i := 1; i <= top; i++ {
		s.addLog(L, s.dumpText(L, L.Get(i)))
	}
	return top
}

// dumpText renders one value for dump.
func (s *Sandbox) dumpText(L *lua.LState, v lua.LValue) string {
	t, ok := v.(*lua.LTable)
	if !ok {
		if str, ok := v.(lua.LString); ok {
			return strconv.Quote(string(str))
		}
		return L.ToStringMeta(v).String()
	}
	if L.GetMetaField(t, "__tostring") != lua.LNil {
		return L.ToStringMeta(t).String()
	}
	room := max(s.maxLog-s.LogBytes(), 1)
	js, err := luajson.Encode(t, &luajson.EncodeOptions{MaxBytes: room, Context: s.current(), Indent: "  "})
	if err == nil {
		return string(js)
	}
	s.checkCtx(L)
	return s.renderTable(L, t)
}
