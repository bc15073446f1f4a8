package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// schema is a parsed, ref-inlined JSON Schema from the catalog.
type schema = map[string]any

// schemaSet holds the parsed response schemas of every operation, by name and status.
type schemaSet struct {
	resp map[string]map[int]schema
}

func newSchemaSet(c *catalog.Catalog) (*schemaSet, error) {
	s := &schemaSet{resp: map[string]map[int]schema{}}
	for _, op := range c.Operations() {
		m := map[int]schema{}
		for _, r := range op.Responses {
			if len(r.Schema) == 0 {
				m[r.Status] = nil
				continue
			}
			var sc schema
			if err := json.Unmarshal(r.Schema, &sc); err != nil {
				return nil, fmt.Errorf("emulator: response schema of %s %d: %w", op.Name, r.Status, err)
			}
			m[r.Status] = sc
		}
		s.resp[op.Name] = m
	}
	return s, nil
}

func (s *schemaSet) response(op string, status int) (schema, bool) {
	sc, ok := s.resp[op][status]
	return sc, ok
}

// types returns the schema's "type" as a list.
func types(s schema) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		return strs(t)
	}
	return nil
}

func allows(tys []string, t string) bool {
	if len(tys) == 0 {
		return true
	}
	for _, x := range tys {
		if x == t || (x == "number" && t == "integer") {
			return true
		}
	}
	return false
}

func props(s schema) map[string]any { m, _ := s["properties"].(map[string]any); return m }

func required(s schema) []string { return strs(s["required"]) }

func subschemas(s schema, key string) []schema {
	arr, _ := s[key].([]any)
	out := make([]schema, 0, len(arr))
	for _, x := range arr {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// flatten merges allOf parts (choosing oneOf variants against v) into one object schema.
func flatten(s schema, v any) schema {
	parts := subschemas(s, "allOf")
	if len(parts) == 0 {
		if one := subschemas(s, "oneOf"); len(one) > 0 {
			return flatten(pick(one, v), v)
		}
		return s
	}
	out := schema{}
	for k, x := range s {
		if k != "allOf" {
			out[k] = x
		}
	}
	pm := map[string]any{}
	for k, x := range props(s) {
		pm[k] = x
	}
	req := required(s)
	for _, p := range parts {
		p = flatten(p, v)
		for k, x := range props(p) {
			pm[k] = x
		}
		req = append(req, required(p)...)
		for _, k := range []string{"type", "additionalProperties", "description"} {
			if x, ok := p[k]; ok {
				if _, has := out[k]; !has {
					out[k] = x
				}
			}
		}
	}
	out["properties"] = pm
	out["required"] = toAny(req)
	return out
}

// jsonType names the JSON type of a Go value.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case float32:
		return "number"
	case int, int64, int32, uint64, uint32, json.Number:
		return "integer"
	case map[string]any:
		return "object"
	case []any, []string, []Object:
		return "array"
	}
	return "unknown"
}

// pick chooses the oneOf variant that best fits v.
func pick(variants []schema, v any) schema {
	s, _ := pickScored(variants, v)
	return s
}

// pickScored is pick that also reports whether some variant is compatible at all
// (no const or type conflict).
func pickScored(variants []schema, v any) (schema, bool) {
	best, bestScore := variants[0], math.MinInt
	anyFits := false
	vt := jsonType(v)
	for _, raw := range variants {
		sc := 0
		conflict := false
		f := raw
		if len(subschemas(raw, "allOf")) > 0 {
			f = flatten(raw, v)
		}
		if c, ok := f["const"]; ok {
			if fmt.Sprint(c) == fmt.Sprint(v) {
				sc += 100
			} else {
				sc -= 1000
				conflict = true
			}
		}
		if !allows(types(f), vt) {
			sc -= 1000
			conflict = true
		}
		if m, ok := v.(map[string]any); ok {
			ps := props(f)
			for k, p := range ps {
				pm, _ := p.(map[string]any)
				if c, ok := pm["const"]; ok {
					if x, has := m[k]; has {
						if fmt.Sprint(x) == fmt.Sprint(c) {
							sc += 100
						} else {
							sc -= 1000
							conflict = true
						}
					}
				}
				if _, has := m[k]; has {
					sc++
				}
			}
			for _, k := range required(f) {
				if _, has := m[k]; !has {
					sc -= 5
				}
			}
		}
		if !conflict {
			anyFits = true
		}
		if sc > bestScore {
			best, bestScore = raw, sc
		}
	}
	return best, anyFits
}

// synth builds a realistic value from a schema: const, example, enum, default, then
// by type (objects get every property).
func synth(s schema, now time.Time, depth int) any {
	if s == nil {
		return nil
	}
	if c, ok := s["const"]; ok {
		return clone(c)
	}
	if len(subschemas(s, "allOf")) > 0 || len(subschemas(s, "oneOf")) > 0 {
		var hint any
		if ex, ok := s["example"]; ok {
			hint = ex
		}
		if one := subschemas(s, "oneOf"); len(one) > 0 && len(subschemas(s, "allOf")) == 0 {
			// prefer a non-null variant
			for _, o := range one {
				if !(len(types(o)) == 1 && types(o)[0] == "null") {
					return synth(o, now, depth+1)
				}
			}
			return nil
		}
		return synth(flatten(s, hint), now, depth+1)
	}
	tys := types(s)
	t := ""
	for _, x := range tys {
		if x != "null" {
			t = x
			break
		}
	}
	if t == "" && props(s) != nil {
		t = "object"
	}
	if ex, ok := s["example"]; ok && (t != "object" || props(s) == nil) && !(t == "array" && hasObjectItems(s)) {
		if ex == nil && t != "" && !allows(tys, "null") {
			// a null example for a non-nullable field: fall through
		} else {
			return clone(ex)
		}
	}
	if en, ok := s["enum"].([]any); ok && len(en) > 0 {
		return en[0]
	}
	if d, ok := s["default"]; ok {
		return clone(d)
	}
	switch t {
	case "object":
		m := map[string]any{}
		if depth > 12 {
			return m
		}
		for k, p := range props(s) {
			pm, _ := p.(map[string]any)
			m[k] = synth(pm, now, depth+1)
		}
		return m
	case "array":
		items, _ := s["items"].(map[string]any)
		if items == nil || depth > 12 {
			return []any{}
		}
		return []any{synth(items, now, depth+1)}
	case "string":
		switch s["format"] {
		case "date-time":
			return ts(now)
		case "uri":
			return "https://example.com"
		case "email":
			return "user@example.com"
		}
		return "string"
	case "integer", "number":
		if m, ok := s["minimum"].(float64); ok {
			return m
		}
		return 0
	case "boolean":
		return false
	case "":
		if allows(tys, "null") && len(tys) > 0 {
			return nil
		}
		return map[string]any{}
	}
	return nil
}

func hasObjectItems(s schema) bool {
	items, _ := s["items"].(map[string]any)
	return items != nil && (props(items) != nil || len(subschemas(items, "allOf")) > 0 || len(subschemas(items, "oneOf")) > 0)
}

// conform projects v onto schema s: declared properties are kept (and conformed),
// missing required ones are synthesised, undeclared and private keys are dropped,
// and values of the wrong type are replaced by synthesised ones. Handlers build
// their objects freely; conform guarantees the wire shape the spec documents.
func conform(s schema, v any, now time.Time) any {
	if s == nil {
		return v
	}
	if c, ok := s["const"]; ok {
		return clone(c)
	}
	if parts := subschemas(s, "allOf"); len(parts) > 0 {
		for _, p := range parts {
			if one := subschemas(p, "oneOf"); len(one) > 0 && jsonType(v) == "object" {
				if _, ok := pickScored(one, v); !ok {
					return stripPrivate(clone(v)) // no documented variant fits
				}
			}
		}
		return conform(flatten(s, v), v, now)
	}
	if one := subschemas(s, "oneOf"); len(one) > 0 {
		variant, ok := pickScored(one, v)
		if !ok && jsonType(v) == "object" {
			// No documented variant fits (an emulator-only event type): send it as stored.
			return stripPrivate(clone(v))
		}
		return conform(variant, v, now)
	}
	tys := types(s)
	if v == nil {
		if allows(tys, "null") && (len(tys) == 0 || contains(tys, "null")) {
			return nil
		}
		return synth(s, now, 0)
	}
	vt := jsonType(v)
	if !allows(tys, vt) {
		if vt == "object" && props(s) != nil && len(tys) == 0 {
			// untyped object schema
		} else {
			return synth(s, now, 0)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		ps := props(s)
		ap, apIsSchema := s["additionalProperties"].(map[string]any)
		out := make(map[string]any, len(x))
		if ps == nil {
			for k, val := range x {
				if strings.HasPrefix(k, "_") {
					continue
				}
				if apIsSchema {
					out[k] = conform(ap, val, now)
				} else {
					out[k] = clone(val)
				}
			}
			return out
		}
		for k, p := range ps {
			pm, _ := p.(map[string]any)
			if val, ok := x[k]; ok {
				out[k] = conform(pm, val, now)
			}
		}
		for _, k := range required(s) {
			if _, ok := out[k]; !ok {
				pm, _ := ps[k].(map[string]any)
				out[k] = synth(pm, now, 0)
			}
		}
		if apIsSchema && len(ap) > 0 {
			for k, val := range x {
				if _, ok := ps[k]; !ok && !strings.HasPrefix(k, "_") {
					out[k] = conform(ap, val, now)
				}
			}
		}
		return out
	case []any, []string, []Object:
		items, _ := s["items"].(map[string]any)
		arr := clone(x).([]any)
		if items == nil {
			return arr
		}
		for i, e := range arr {
			arr[i] = conform(items, e, now)
		}
		return arr
	case string:
		if en, ok := s["enum"].([]any); ok && len(en) > 0 && !containsAny(en, x) {
			return en[0]
		}
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				return ts(now)
			}
		}
		return x
	default:
		if en, ok := s["enum"].([]any); ok && len(en) > 0 && !containsAny(en, v) {
			return en[0]
		}
		return v
	}
}

func containsAny(en []any, v any) bool {
	for _, e := range en {
		if fmt.Sprint(e) == fmt.Sprint(v) {
			return true
		}
	}
	return false
}
