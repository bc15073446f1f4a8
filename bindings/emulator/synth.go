package emulator

import "time"

// synthesize answers an operation the emulator does not model statefully: a
// realistic value built from the response schema's examples, with path parameters
// and body fields echoed where the schema has them.
func (c *call) synthesize() any {
	if len(c.op.Responses) == 0 {
		return nil
	}
	status := c.op.Responses[0].Status
	sc, _ := c.emu.schemas.response(c.op.Name, status)
	if sc == nil {
		return nil
	}
	return c.echo(synth(sc, c.now, 0))
}

// echo copies the call's body fields (of the same JSON type) and path
// parameters into a synthesised value that has them.
func (c *call) echo(v any) any {
	if m, ok := v.(map[string]any); ok {
		for k, val := range c.body {
			if _, has := m[k]; has && jsonType(val) == jsonType(m[k]) {
				m[k] = val
			}
		}
		for k, val := range c.pathParams {
			if _, has := m[k]; has {
				m[k] = val
			}
		}
		if id := c.pathParams["id"]; id != "" {
			if _, has := m["id"]; has {
				m["id"] = id
			}
		}
	}
	return v
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
		return synthComposite(s, now, depth)
	}
	tys := types(s)
	t := primaryType(s, tys)
	if ex, ok := exampleFor(s, t, tys); ok {
		return clone(ex)
	}
	if en, ok := s["enum"].([]any); ok && len(en) > 0 {
		return en[0]
	}
	if d, ok := s["default"]; ok {
		return clone(d)
	}
	return synthType(s, t, tys, now, depth)
}

// synthComposite synthesises an allOf (merged) or a oneOf (its first non-null variant).
func synthComposite(s schema, now time.Time, depth int) any {
	if one := subschemas(s, "oneOf"); len(one) > 0 && len(subschemas(s, "allOf")) == 0 {
		for _, o := range one {
			if !(len(types(o)) == 1 && types(o)[0] == "null") {
				return synth(o, now, depth+1)
			}
		}
		return nil
	}
	var hint any
	if ex, ok := s["example"]; ok {
		hint = ex
	}
	return synth(flatten(s, hint), now, depth+1)
}

// primaryType is the schema's first non-null type; "object" for an untyped schema
// with properties.
func primaryType(s schema, tys []string) string {
	for _, x := range tys {
		if x != "null" {
			return x
		}
	}
	if props(s) != nil {
		return "object"
	}
	return ""
}

// exampleFor returns the schema's example when it can stand for the value: not
// for objects with properties or arrays of objects (built field by field so that
// every property is present), and not a null example of a non-nullable type.
func exampleFor(s schema, t string, tys []string) (any, bool) {
	ex, ok := s["example"]
	if !ok || (t == "object" && props(s) != nil) || (t == "array" && hasObjectItems(s)) {
		return nil, false
	}
	if ex == nil && t != "" && !allows(tys, "null") {
		return nil, false
	}
	return ex, true
}

// synthType builds a value of type t.
func synthType(s schema, t string, tys []string, now time.Time, depth int) any {
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
		return synthString(s, now)
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

func synthString(s schema, now time.Time) string {
	switch s["format"] {
	case "date-time":
		return ts(now)
	case "uri":
		return "https://example.com"
	case "email":
		return "user@example.com"
	}
	return "string"
}

func hasObjectItems(s schema) bool {
	items, _ := s["items"].(map[string]any)
	return items != nil && (props(items) != nil || len(subschemas(items, "allOf")) > 0 || len(subschemas(items, "oneOf")) > 0)
}
