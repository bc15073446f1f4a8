package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// schema is a parsed, ref-inlined JSON Schema from the catalog.
type schema = map[string]any

// schemaSet holds the parsed response schemas of every operation, by name and status.
// schemaSet holds the operations' response schemas, each decoded the first
// time an answer needs it, so starting an emulator decodes none.
type schemaSet struct {
	cat *catalog.Catalog

	mu   sync.Mutex
	resp map[string]map[int]schema
}

func newSchemaSet(c *catalog.Catalog) (*schemaSet, error) {
	return &schemaSet{cat: c, resp: map[string]map[int]schema{}}, nil
}

// response returns the schema of op's answer with status; ok is false when
// op declares no such answer, and a nil schema means an empty body.
func (s *schemaSet) response(op string, status int) (schema, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, done := s.resp[op]
	if !done {
		m = s.decode(op)
		s.resp[op] = m
	}
	sc, ok := m[status]
	return sc, ok
}

// decode decodes op's response schemas. The catalog is generated and every
// schema is decoded by a test, so one that does not decode is treated as
// absent rather than failing an answer.
func (s *schemaSet) decode(name string) map[int]schema {
	m := map[int]schema{}
	op, err := s.cat.Lookup(name)
	if err != nil {
		return m
	}
	for _, r := range op.Responses {
		if len(r.Schema) == 0 {
			m[r.Status] = nil
			continue
		}
		var sc schema
		if err := json.Unmarshal(r.Schema, &sc); err == nil {
			m[r.Status] = sc
		}
	}
	return m
}

// decodeAll decodes every response schema, reporting the first that fails.
func (s *schemaSet) decodeAll() error {
	for _, op := range s.cat.Operations() {
		for _, r := range op.Responses {
			var sc schema
			if len(r.Schema) > 0 {
				if err := json.Unmarshal(r.Schema, &sc); err != nil {
					return fmt.Errorf("emulator: response schema of %s %d: %w", op.Name, r.Status, err)
				}
			}
		}
	}
	return nil
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
				if sub, ok := m[k].(map[string]any); ok {
					nested, bad := nestedConstScore(pm, sub)
					sc += nested
					conflict = conflict || bad
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

// nestedConstScore scores the const properties of s (at any depth of plain
// object properties) against m: +100 for each match, -1000 and bad for each
// mismatch. Variants that differ only below the top level (a credential's
// auth_method) are told apart by it.
func nestedConstScore(s schema, m map[string]any) (score int, bad bool) {
	for k, p := range props(s) {
		pm, _ := p.(map[string]any)
		x, has := m[k]
		if !has {
			continue
		}
		if c, ok := pm["const"]; ok {
			if fmt.Sprint(x) == fmt.Sprint(c) {
				score += 100
			} else {
				score, bad = score-1000, true
			}
		}
		if sub, ok := x.(map[string]any); ok {
			n, b := nestedConstScore(pm, sub)
			score, bad = score+n, bad || b
		}
	}
	return score, bad
}

func containsAny(en []any, v any) bool {
	for _, e := range en {
		if fmt.Sprint(e) == fmt.Sprint(v) {
			return true
		}
	}
	return false
}
