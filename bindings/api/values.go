package api

import (
	"encoding/json"
	"fmt"
)

// This file says what the Go values of an argument map are (see
// [Validator.Prepare]): numbers, objects, scalars and explicit nulls, and how
// a problem names their type.

// explicitNull is what an explicit JSON null from a script looks like
// (luajson.Null): this package knows nothing of Lua.
type explicitNull interface{ IsNull() bool }

// isNull reports whether v is an explicit null.
func isNull(v any) bool {
	n, ok := v.(explicitNull)
	return ok && n.IsNull()
}

// asObject returns v as an object: a map, or an empty Lua table (which
// converts to an empty array).
func asObject(v any) (map[string]any, bool) {
	switch v := v.(type) {
	case map[string]any:
		return v, true
	case []any:
		if len(v) == 0 {
			return map[string]any{}, true // an empty Lua table
		}
	}
	return nil, false
}

func isScalar(v any) bool {
	switch v.(type) {
	case string, bool, int, int64, float64, json.Number:
		return true
	}
	return false
}

// number returns v as a float64 when it is a number.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

// typeOf names v's type as a problem reads it ("got a string").
func typeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64:
		return "an integer"
	case float64:
		return "a number"
	case json.Number:
		return "a number"
	case map[string]any:
		return "a table with keys"
	case []any:
		if len(v) == 0 {
			return "an empty table"
		}
		return "an array"
	default:
		if isNull(v) {
			return "json.null"
		}
		return fmt.Sprintf("%T", v)
	}
}
