package luajson

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// nullType is the type of [Null]. It has no fields, so every value of it is
// equal to [Null] and it cannot be mutated.
type nullType struct{}

// String returns "null".
func (nullType) String() string { return "null" }

// MarshalJSON encodes Null as the JSON literal null.
func (nullType) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// IsNull reports true: packages that take [ToGo]'s values recognise an
// explicit null by this method, without importing this package.
func (nullType) IsNull() bool { return true }

// Null is the Go-side value of an explicit JSON null. [ToGo] returns it for
// json.null, and [FromGo] turns it into json.null. A Go nil, by contrast,
// means "absent": inside a map[string]any it removes the key.
var Null = nullType{}

// markKind tags the per-state marker metatables. Its values live in a
// userdata stored in each marker metatable, so scripts cannot forge them.
type markKind int

const (
	kindNone markKind = iota
	kindArray
	kindObject
)

// Registry keys of the per-state markers (strings a script cannot reach:
// scripts in a sandbox have no access to the registry).
const (
	regArrayMT  = "luajson.array_mt"
	regObjectMT = "luajson.object_mt"
	regNull     = "luajson.null"
	markField   = "__json"
)

// markers holds the per-state sentinels.
type markers struct {
	arrayMT  *lua.LTable
	objectMT *lua.LTable
	null     *lua.LUserData
}

// stateMarkers returns the sentinels of L's global state, creating them on
// first use.
func stateMarkers(L *lua.LState) markers {
	reg := L.G.Registry
	if a, ok := reg.RawGetString(regArrayMT).(*lua.LTable); ok {
		return markers{
			arrayMT:  a,
			objectMT: reg.RawGetString(regObjectMT).(*lua.LTable),
			null:     reg.RawGetString(regNull).(*lua.LUserData),
		}
	}
	m := markers{
		arrayMT:  newMarkerMT(L, kindArray, "json.array"),
		objectMT: newMarkerMT(L, kindObject, "json.object"),
		null:     newNull(L),
	}
	reg.RawSetString(regArrayMT, m.arrayMT)
	reg.RawSetString(regObjectMT, m.objectMT)
	reg.RawSetString(regNull, m.null)
	return m
}

func newMarkerMT(L *lua.LState, kind markKind, name string) *lua.LTable {
	mt := L.CreateTable(0, 2)
	ud := L.NewUserData()
	ud.Value = kind
	mt.RawSetString(markField, ud)
	mt.RawSetString("__name", lua.LString(name))
	return mt
}

func newNull(L *lua.LState) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = Null
	mt := L.CreateTable(0, 4)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("null"))
		return 1
	}))
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("attempt to index json.null (field %q): the JSON value is null; check `v ~= json.null` first", L.ToString(2))
		return 0
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("attempt to assign to json.null: it is an immutable sentinel")
		return 0
	}))
	mt.RawSetString("__metatable", lua.LString("json.null"))
	ud.Metatable = mt
	return ud
}

// tableKind reports how a table's metatable marks it.
func tableKind(t *lua.LTable) markKind {
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		return kindNone
	}
	return mtKind(mt)
}

func mtKind(mt *lua.LTable) markKind {
	if ud, ok := mt.RawGetString(markField).(*lua.LUserData); ok {
		if k, ok := ud.Value.(markKind); ok {
			return k
		}
	}
	return kindNone
}

// NullValue returns the json.null sentinel of L: a userdata that encodes as
// JSON null. It is the same value for the whole lifetime of L.
func NullValue(L *lua.LState) lua.LValue { return stateMarkers(L).null }

// IsArray reports whether t is marked as a JSON array (by [Decode],
// [FromGo], [MarkArray] or json.array).
func IsArray(t *lua.LTable) bool { return tableKind(t) == kindArray }

// IsObject reports whether t is marked as a JSON object (by [Decode],
// [FromGo], [MarkObject] or json.object).
func IsObject(t *lua.LTable) bool { return tableKind(t) == kindObject }

// MarkArray marks t so that it always encodes as a JSON array, even when
// empty. It replaces any metatable t had.
func MarkArray(L *lua.LState, t *lua.LTable) { t.Metatable = stateMarkers(L).arrayMT }

// MarkObject marks t so that it always encodes as a JSON object, even when
// empty or when its keys are 1..n. It replaces any metatable t had.
func MarkObject(L *lua.LState, t *lua.LTable) { t.Metatable = stateMarkers(L).objectMT }

// Preload registers the Lua module "json" with L (for require("json")) and
// also sets it as the global `json`. See the package documentation for the
// functions it offers.
func Preload(L *lua.LState) {
	L.PreloadModule("json", Loader)
	L.SetGlobal("json", NewModule(L))
}

// Loader is the lua.LGFunction that require("json") calls; it pushes a
// fresh module table. [Preload] registers it.
func Loader(L *lua.LState) int {
	L.Push(NewModule(L))
	return 1
}

// NewModule builds the json module table for L: encode, decode, null,
// array and object.
func NewModule(L *lua.LState) *lua.LTable {
	m := stateMarkers(L)
	mod := L.CreateTable(0, 6)
	mod.RawSetString("encode", L.NewFunction(luaEncode))
	mod.RawSetString("decode", L.NewFunction(luaDecode))
	mod.RawSetString("array", L.NewFunction(func(L *lua.LState) int {
		t := optMarkTable(L)
		t.Metatable = m.arrayMT
		L.Push(t)
		return 1
	}))
	mod.RawSetString("object", L.NewFunction(func(L *lua.LState) int {
		t := optMarkTable(L)
		t.Metatable = m.objectMT
		L.Push(t)
		return 1
	}))
	mod.RawSetString("null", m.null)
	return mod
}

func optMarkTable(L *lua.LState) *lua.LTable {
	if L.GetTop() == 0 || L.Get(1) == lua.LNil {
		return L.CreateTable(0, 0)
	}
	return L.CheckTable(1)
}

// luaEncode implements json.encode(v [, {indent = "  "}]).
func luaEncode(L *lua.LState) int {
	v := L.CheckAny(1)
	var opts EncodeOptions
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		switch o := L.Get(2).(type) {
		case *lua.LTable:
			if ind, ok := o.RawGetString("indent").(lua.LString); ok {
				opts.Indent = string(ind)
			} else if ind, ok := o.RawGetString("indent").(lua.LNumber); ok && ind > 0 && ind <= 16 {
				opts.Indent = strings.Repeat(" ", int(ind))
			}
		case lua.LString:
			opts.Indent = string(o)
		default:
			L.ArgError(2, "options must be a table like {indent = \"  \"}")
		}
	}
	b, err := Encode(v, &opts)
	if err != nil {
		L.RaiseError("%s", err.Error())
		return 0
	}
	L.Push(lua.LString(b))
	return 1
}

// luaDecode implements json.decode(s).
func luaDecode(L *lua.LState) int {
	s := L.CheckString(1)
	v, err := DecodeString(L, s, nil)
	if err != nil {
		L.RaiseError("%s", err.Error())
		return 0
	}
	L.Push(v)
	return 1
}

// typeName names a Lua value's type for error messages.
func typeName(v lua.LValue) string {
	if ud, ok := v.(*lua.LUserData); ok {
		return fmt.Sprintf("userdata (%T)", ud.Value)
	}
	return v.Type().String()
}
