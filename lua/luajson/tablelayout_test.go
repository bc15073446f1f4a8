package luajson

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
)

// TestDirectTablesInUse: the pinned gopher-lua's LTable matches the mirror,
// so decoding and encoding take the direct path. A gopher-lua upgrade that
// changes LTable fails here; update tableLayout (or accept the slower
// public-API path by deleting this test).
func TestDirectTablesInUse(t *testing.T) {
	if !directTables {
		t.Fatal("tableLayout no longer matches lua.LTable; update it to the new fields")
	}
	type other struct {
		Metatable lua.LValue
		Array     []lua.LValue
	}
	if layoutMatches(reflect.TypeFor[lua.LTable](), reflect.TypeFor[other]()) {
		t.Fatal("layoutMatches accepts a struct with different fields")
	}
}

// iteration lists t's members in Next order, as pairs() sees them.
func iteration(t *lua.LTable) []string {
	var out []string
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		out = append(out, k.String()+"="+v.String())
	}
	return out
}

// TestFillObjectMatchesRawSetString: a table filled directly behaves as one
// built with RawSetString: the same members, the same pairs() order, the
// same result after the script changes it.
func TestFillObjectMatchesRawSetString(t *testing.T) {
	null := lua.LValue(&lua.LUserData{})
	tests := []struct {
		name    string
		members []kv
	}{
		{"plain", []kv{{"b", lua.LNumber(1)}, {"a", lua.LString("x")}, {"c", lua.LTrue}}},
		{"duplicate key, last wins", []kv{{"a", lua.LNumber(1)}, {"b", lua.LNumber(2)}, {"a", lua.LNumber(3)}}},
		{"null removes an earlier duplicate", []kv{{"a", lua.LNumber(1)}, {"b", lua.LNumber(2)}, {"a", null}}},
		{"null then a value", []kv{{"a", null}, {"b", lua.LNumber(2)}, {"a", lua.LNumber(4)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := newTable(0, len(tc.members))
			for _, m := range tc.members {
				v := m.v
				if v == null {
					v = lua.LNil
				}
				want.RawSetString(m.k, v)
			}
			got := &lua.LTable{Metatable: lua.LNil}
			boxed := map[string]lua.LValue{}
			fillObject(got, tc.members, null, func(_ int, k string) lua.LValue {
				if _, ok := boxed[k]; !ok {
					boxed[k] = lua.LString(k)
				}
				return boxed[k]
			})
			if diff := cmp.Diff(iteration(want), iteration(got)); diff != "" {
				t.Fatalf("pairs order (-RawSetString +fillObject):\n%s", diff)
			}
			for _, tbl := range []*lua.LTable{want, got} {
				tbl.RawSetString("z", lua.LNumber(9))
				tbl.RawSetString("b", lua.LNil)
				tbl.RawSetInt(1, lua.LString("one"))
			}
			if diff := cmp.Diff(iteration(want), iteration(got)); diff != "" {
				t.Errorf("after changes (-RawSetString +fillObject):\n%s", diff)
			}
		})
	}
}
