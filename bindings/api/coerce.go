package api

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// paramStrings converts a parameter value to its wire strings, checking type,
// enum and bounds. A single scalar stands for a one-element array.
func (p *preparer) paramStrings(prm catalog.Param, val any) ([]string, error) {
	if prm.Type != "array" {
		s, err := p.scalarString(prm.Key, prm.Type, prm.Enum, prm.Minimum, prm.Maximum, val)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	arr, ok := val.([]any)
	if !ok {
		if !isScalar(val) {
			return nil, p.fail(prm.Key, "must be an array, got "+typeOf(val), fmt.Sprintf(`pass %s = {"a", "b"}`, prm.Key))
		}
		arr = []any{val}
	}
	out := make([]string, 0, len(arr))
	for i, it := range arr {
		s, err := p.scalarString(fmt.Sprintf("%s[%d]", prm.Key, i+1), prm.ItemType, p.v.itemEnum(p.op, prm), nil, nil, it)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// scalarString converts one scalar of catalog type typ to its wire string and
// checks it against enum (and the bounds, for numbers).
func (p *preparer) scalarString(name, typ string, enum []string, minimum, maximum *float64, val any) (string, error) {
	var s string
	var err error
	switch typ {
	case "integer", "number":
		s, err = p.numberString(name, typ, minimum, maximum, val)
	case "boolean":
		b, ok := val.(bool)
		if !ok {
			return "", p.fail(name, "must be a boolean, got "+typeOf(val), fmt.Sprintf("pass %s = true or false", name))
		}
		s = strconv.FormatBool(b)
	default:
		s, err = p.looseString(name, val)
	}
	if err != nil {
		return "", err
	}
	if err := p.checkEnum(name, s, enum); err != nil {
		return "", err
	}
	return s, nil
}

// numberString converts an integer or number within its bounds.
func (p *preparer) numberString(name, typ string, minimum, maximum *float64, val any) (string, error) {
	f, isNum := number(val)
	if !isNum {
		return "", p.fail(name, fmt.Sprintf("must be %s, got %s", article(typ), typeOf(val)), exampleFor(name, typ))
	}
	if typ == "integer" && f != math.Trunc(f) {
		return "", p.fail(name, fmt.Sprintf("must be an integer, got %v", f), exampleFor(name, typ))
	}
	if minimum != nil && f < *minimum {
		return "", p.fail(name, fmt.Sprintf("must be at least %v, got %v", *minimum, f), boundsHint(minimum, maximum))
	}
	if maximum != nil && f > *maximum {
		return "", p.fail(name, fmt.Sprintf("must be at most %v, got %v", *maximum, f), boundsHint(minimum, maximum))
	}
	return formatNumber(val, f), nil
}

// looseString converts a string, or any type the catalog does not know:
// strings, numbers and booleans are accepted.
func (p *preparer) looseString(name string, val any) (string, error) {
	switch v := val.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	f, isNum := number(val)
	if !isNum {
		return "", p.fail(name, "must be a string, got "+typeOf(val), fmt.Sprintf(`pass %s = "..."`, name))
	}
	return formatNumber(val, f), nil
}

// formatNumber writes a number as given: a json.Number keeps its text, other
// numbers (f) the shortest decimal form.
func formatNumber(val any, f float64) string {
	if n, ok := val.(json.Number); ok {
		return n.String()
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// plainJSON returns v with explicit nulls replaced by nil, for JSON encoding and
// schema validation.
func plainJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = plainJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plainJSON(e)
		}
		return out
	default:
		if isNull(v) {
			return nil
		}
		return v
	}
}

// coerceBody returns the body as plain JSON values (see [plainJSON]), with
// every empty table that stands for an object made one (see
// [preparer.emptyObjects]).
func (p *preparer) coerceBody(body map[string]any) map[string]any {
	plain := plainJSON(body).(map[string]any)
	p.emptyObjects(plain)
	return plain
}
