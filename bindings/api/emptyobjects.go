package api

import (
	"regexp"
	"strings"
)

// emptyObjects replaces, in a body made by plainJSON, every empty array that
// stands where the schema wants an object (and not an array) by an empty
// object: an empty Lua table converts to [], so metadata = {} would otherwise
// be sent, and rejected, as an array. Top-level fields follow their catalog
// type, nested values the body's JSON Schema (properties, patternProperties,
// additionalProperties, items, prefixItems, allOf, anyOf, oneOf).
func (p *preparer) emptyObjects(body map[string]any) {
	for _, f := range p.op.Body.Fields {
		if v, ok := body[f.Name].([]any); ok && len(v) == 0 && wantsObject(strings.Split(f.Type, "|")) {
			body[f.Name] = map[string]any{}
		}
	}
	if doc := p.v.bodyDoc(p.op); doc != nil {
		fixEmpty(body, expandSchema(doc, nil))
	}
}

// wantsObject reports whether a list of JSON types allows an object but not an
// array.
func wantsObject(types []string) bool {
	obj, arr := false, false
	for _, t := range types {
		switch t {
		case "object":
			obj = true
		case "array":
			arr = true
		}
	}
	return obj && !arr
}

// fixEmpty returns v with its empty arrays replaced by empty objects wherever
// all the schemas that may apply to them (schs) allow an object but no array.
// It changes maps and slices in place.
func fixEmpty(v any, schs []map[string]any) any {
	if len(schs) == 0 {
		return v
	}
	switch v := v.(type) {
	case []any:
		if len(v) == 0 {
			var types []string
			for _, m := range schs {
				types = append(types, schemaTypes(m)...)
			}
			if wantsObject(types) {
				return map[string]any{}
			}
			return v
		}
		for i, e := range v {
			v[i] = fixEmpty(e, itemSchemas(schs, i))
		}
	case map[string]any:
		for k, e := range v {
			v[k] = fixEmpty(e, propertySchemas(schs, k))
		}
	}
	return v
}

// expandSchema appends s and, recursively, its allOf, anyOf and oneOf
// branches to out.
func expandSchema(s any, out []map[string]any) []map[string]any {
	m, ok := s.(map[string]any)
	if !ok {
		return out
	}
	out = append(out, m)
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if subs, ok := m[k].([]any); ok {
			for _, sub := range subs {
				out = expandSchema(sub, out)
			}
		}
	}
	return out
}

// schemaTypes lists the JSON types a schema names in "type".
func schemaTypes(m map[string]any) []string {
	switch t := m["type"].(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// propertySchemas returns the schemas that apply to member key of an object.
func propertySchemas(schs []map[string]any, key string) []map[string]any {
	var out []map[string]any
	for _, m := range schs {
		matched := false
		if props, ok := m["properties"].(map[string]any); ok {
			if ps, ok := props[key]; ok {
				out = expandSchema(ps, out)
				matched = true
			}
		}
		if pats, ok := m["patternProperties"].(map[string]any); ok {
			for pat, ps := range pats {
				if re, err := regexp.Compile(pat); err == nil && re.MatchString(key) {
					out = expandSchema(ps, out)
					matched = true
				}
			}
		}
		if !matched {
			out = expandSchema(m["additionalProperties"], out)
		}
	}
	return out
}

// itemSchemas returns the schemas that apply to item i (0-based) of an array.
func itemSchemas(schs []map[string]any, i int) []map[string]any {
	var out []map[string]any
	for _, m := range schs {
		if pre, ok := m["prefixItems"].([]any); ok && i < len(pre) {
			out = expandSchema(pre[i], out)
			continue
		}
		switch it := m["items"].(type) {
		case map[string]any:
			out = expandSchema(it, out)
		case []any: // draft-4 tuple form
			if i < len(it) {
				out = expandSchema(it[i], out)
			} else {
				out = expandSchema(m["additionalItems"], out)
			}
		}
	}
	return out
}
