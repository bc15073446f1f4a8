package luajson

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// kv is one object member collected for sorting.
type kv struct {
	k string
	v lua.LValue
}

// shaper classifies tables; it caches the marker metatables it has seen so
// that classifying a decoded table costs one pointer comparison.
type shaper struct {
	arrMT, objMT, otherMT *lua.LTable
	// memo remembers the shapes of large tables (see shapeCharged).
	memo map[*lua.LTable]shapeResult
}

func (s *shaper) kind(t *lua.LTable) markKind {
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		return kindNone
	}
	switch mt {
	case s.arrMT:
		return kindArray
	case s.objMT:
		return kindObject
	case s.otherMT:
		return kindNone
	}
	k := mtKind(mt)
	switch k {
	case kindArray:
		s.arrMT = mt
	case kindObject:
		s.objMT = mt
	default:
		s.otherMT = mt
	}
	return k
}

// shape decides how t encodes: as an array of n elements (isArray) or as an
// object. The rule, documented in doc.go:
//   - marked object: object;
//   - marked array: array of 1..n (holes become null); any other key is an error;
//   - unmarked: array when its keys are exactly 1..n (n may be 0), else object.
func (s *shaper) shape(t *lua.LTable) (isArray bool, n int, reason string) {
	k := s.kind(t)
	if k == kindObject {
		return false, 0, ""
	}
	n = t.Len()
	var first lua.LValue
	if n == 0 {
		first, _ = t.Next(lua.LNil)
	} else {
		first, _ = t.Next(lua.LNumber(n))
	}
	hasOther := first != lua.LNil
	if k == kindArray {
		if hasOther {
			return false, 0, fmt.Sprintf("table marked as array (json.array or decoded from a JSON array) has the non-index key %s; remove it or build a new table", keyString(first))
		}
		return true, n, ""
	}
	if hasOther {
		return false, 0, ""
	}
	for i := 1; i <= n; i++ {
		if t.RawGetInt(i) == lua.LNil {
			return false, 0, "" // holes: sparse, encode as object
		}
	}
	return true, n, ""
}

func keyString(k lua.LValue) string {
	if s, ok := k.(lua.LString); ok {
		return strconv.Quote(string(s))
	}
	return k.String()
}

// objectKey converts a Lua table key to a JSON object key.
func objectKey(k lua.LValue) (string, string) {
	switch k := k.(type) {
	case lua.LString:
		return string(k), ""
	case lua.LNumber:
		f := float64(k)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", "table key " + k.String() + " cannot be an object key"
		}
		return string(appendNumber(nil, f)), ""
	default:
		return "", "table key of type " + typeName(k) + " cannot be an object key; use string keys"
	}
}

// enterTable checks that the walk may enter t below the tables in stack
// (no reference cycle, at most maxDepth levels) and classifies it, charging
// the slots to w. The encoder and ToGo both walk tables through it.
func (s *shaper) enterTable(stack []*lua.LTable, t *lua.LTable, maxDepth int, w *workBudget) (isArray bool, n int, err error) {
	if slices.Contains(stack, t) {
		return false, 0, &pathError{reason: "reference cycle: the table contains itself; build an acyclic copy"}
	}
	if len(stack) >= maxDepth {
		return false, 0, &pathError{reason: fmt.Sprintf("nesting deeper than %d levels; flatten the value", maxDepth)}
	}
	isArray, n, reason, err := s.shapeCharged(t, w)
	if err != nil {
		return false, 0, err
	}
	if reason != "" {
		return false, 0, &pathError{reason: reason}
	}
	return isArray, n, nil
}
