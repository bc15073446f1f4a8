package emulator

import (
	"strings"
	"time"
)

// str returns v as a string ("" for nil or non-strings).
func str(v any) string {
	s, _ := v.(string)
	return s
}

// clone deep-copies a JSON-shaped value.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, vv := range x {
			m[k] = clone(vv)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, vv := range x {
			a[i] = clone(vv)
		}
		return a
	case []string:
		a := make([]any, len(x))
		for i, vv := range x {
			a[i] = vv
		}
		return a
	case []Object:
		a := make([]any, len(x))
		for i, vv := range x {
			a[i] = clone(vv)
		}
		return a
	default:
		return v
	}
}

// public returns a deep copy of o without private ("_") keys.
func public(o Object) Object {
	m := make(Object, len(o))
	for k, v := range o {
		if !strings.HasPrefix(k, "_") {
			m[k] = clone(v)
		}
	}
	return m
}

// strs converts a JSON array (or []string) to []string.
func strs(v any) []string {
	switch x := v.(type) {
	case []string:
		return append([]string(nil), x...)
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func remove(ss []string, s string) []string {
	out := ss[:0:0]
	for _, x := range ss {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// defaults sets the keys of d that o lacks.
func defaults(o Object, d Object) {
	for k, v := range d {
		if _, ok := o[k]; !ok {
			o[k] = v
		}
	}
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
