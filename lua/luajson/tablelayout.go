package luajson

import (
	"reflect"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// tableLayout mirrors the fields of gopher-lua's LTable. Its public API
// builds a table one RawSetString at a time, growing the key list and its
// index map from empty and boxing each key twice; for a decoded object the
// decoder knows every member up front, so it fills these fields directly,
// sized once, with one boxed key per distinct name. Encoding reads the
// string part without boxing keys either.
//
// The mirror is used only when it matches LTable field for field (name,
// type and offset; see layoutMatches), so a gopher-lua release that changes
// the table falls back to the public API instead of corrupting memory.
type tableLayout struct {
	Metatable lua.LValue

	array   []lua.LValue
	dict    map[lua.LValue]lua.LValue
	strdict map[string]lua.LValue
	keys    []lua.LValue
	k2i     map[lua.LValue]int
}

// directTables reports whether tableLayout matches lua.LTable. It is
// computed once at package init and never changes.
var directTables = layoutMatches(reflect.TypeFor[lua.LTable](), reflect.TypeFor[tableLayout]())

// layoutMatches reports whether two struct types have the same fields in the
// same places.
func layoutMatches(want, got reflect.Type) bool {
	if want.Size() != got.Size() || want.NumField() != got.NumField() {
		return false
	}
	for i := range want.NumField() {
		w, g := want.Field(i), got.Field(i)
		if w.Name != g.Name || w.Type != g.Type || w.Offset != g.Offset {
			return false
		}
	}
	return true
}

// layoutOf gives direct access to t's fields; only when directTables.
func layoutOf(t *lua.LTable) *tableLayout {
	return (*tableLayout)(unsafe.Pointer(t))
}

// fillObject sets the members of a new, empty table t as a sequence of
// RawSetString calls would (last duplicate wins; a nil value removes the
// key but keeps its place in the iteration order, as gopher-lua does),
// taking each key's boxed form from intern(position, key).
func fillObject(t *lua.LTable, members []kv, null lua.LValue, intern func(int, string) lua.LValue) {
	l := layoutOf(t)
	n := len(members)
	l.strdict = make(map[string]lua.LValue, n)
	l.keys = make([]lua.LValue, 0, n)
	l.k2i = make(map[lua.LValue]int, n)
	for i, m := range members {
		if m.v == null {
			delete(l.strdict, m.k)
			continue
		}
		l.strdict[m.k] = m.v
		key := intern(i, m.k)
		// A duplicate keeps its first position, as with RawSetString.
		if _, ok := l.k2i[key]; !ok {
			l.k2i[key] = len(l.keys)
			l.keys = append(l.keys, key)
		}
	}
}

// stringMembers returns t's string-keyed part without boxing its keys, and
// whether t has members of other kinds (array or non-string keys) the caller
// must collect another way. It needs directTables.
func stringMembers(t *lua.LTable) (strdict map[string]lua.LValue, others bool) {
	l := layoutOf(t)
	return l.strdict, len(l.array) > 0 || len(l.dict) > 0
}
