package mcptools

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Schema keywords whose values are maps of subschemas, single subschemas, or
// lists of subschemas: the sanitizer descends into them.
var (
	schemaMapKeys  = map[string]bool{"properties": true, "patternProperties": true, "$defs": true, "definitions": true, "dependentSchemas": true}
	schemaOneKeys  = map[string]bool{"items": true, "additionalProperties": true, "not": true, "propertyNames": true, "contains": true, "if": true, "then": true, "else": true, "unevaluatedProperties": true, "unevaluatedItems": true}
	schemaListKeys = map[string]bool{"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true}
	// dropKeys are OpenAPI keywords that are not JSON Schema 2020-12: strict
	// validators reject them and they cost tokens.
	dropKeys = map[string]bool{"example": true, "discriminator": true, "xml": true, "externalDocs": true, "nullable": true}
)

// sanitize returns a copy of a JSON Schema without OpenAPI-only keywords and
// "x-" extensions, so every MCP client's validator accepts it.
func sanitize(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, val := range m {
		switch {
		case dropKeys[k] || strings.HasPrefix(k, "x-"):
			continue
		case schemaMapKeys[k]:
			if props, ok := val.(map[string]any); ok {
				cp := make(map[string]any, len(props))
				for name, s := range props {
					cp[name] = sanitize(s)
				}
				out[k] = cp
				continue
			}
		case schemaOneKeys[k]:
			out[k] = sanitize(val)
			continue
		case schemaListKeys[k]:
			if list, ok := val.([]any); ok {
				cp := make([]any, len(list))
				for i, s := range list {
					cp[i] = sanitize(s)
				}
				out[k] = cp
				continue
			}
		}
		if k == "required" {
			val = dedupe(val)
		}
		out[k] = val
	}
	return out
}

// dedupe drops repeated names from a "required" list (the WorkOS specification
// repeats some, which draft 2020-12 forbids).
func dedupe(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	seen := map[any]bool{}
	out := make([]any, 0, len(list))
	for _, x := range list {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// decodeSchema decodes a raw schema into a sanitized map; nil or invalid JSON
// gives an empty map.
func decodeSchema(raw json.RawMessage) map[string]any {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return map[string]any{}
	}
	m, _ := sanitize(v).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// bodyProperties collects the top-level property schemas of a body schema,
// including those declared in its allOf/oneOf/anyOf parts (first wins).
func bodyProperties(schema map[string]any) map[string]any {
	out := map[string]any{}
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		if props, ok := s["properties"].(map[string]any); ok {
			for name, p := range props {
				if _, seen := out[name]; !seen {
					out[name] = p
				}
			}
		}
		for _, key := range []string{"allOf", "oneOf", "anyOf"} {
			parts, _ := s[key].([]any)
			for _, part := range parts {
				if pm, ok := part.(map[string]any); ok {
					walk(pm)
				}
			}
		}
	}
	walk(schema)
	return out
}

// inputSchema builds a per-function tool's input schema the way the Lua module
// takes arguments: parameters and body fields at the top level, plus an optional
// body object. A body field whose name equals a parameter's can only go in body.
func inputSchema(op *catalog.Operation) map[string]any {
	props := map[string]any{}
	var required []string
	for _, p := range op.Params {
		s := decodeSchema(p.Schema)
		if _, ok := s["type"]; !ok && p.Type != "" {
			s["type"] = p.Type
		}
		if p.Description != "" {
			s["description"] = p.Description
		}
		props[p.Key] = s
		if p.Required {
			required = append(required, p.Key)
		}
	}
	if op.Body != nil {
		fieldSchemas := bodyProperties(decodeSchema(op.Body.Schema))
		shadow := op.ShadowedBodyFields()
		shadowProps := map[string]any{}
		var shadowRequired []string
		for _, f := range op.Body.Fields {
			s, _ := fieldSchemas[f.Name].(map[string]any)
			if s == nil {
				s = map[string]any{}
				if f.Type != "" && !strings.Contains(f.Type, "|") {
					s["type"] = f.Type
				}
			}
			if _, ok := s["description"]; !ok && f.Description != "" {
				s["description"] = f.Description
			}
			if len(f.Variants) > 0 && op.Body.Discriminator != "" {
				note := "Only when " + op.Body.Discriminator + " is " + strings.Join(f.Variants, " or ") + "."
				if d, _ := s["description"].(string); d != "" {
					note = d + " " + note
				}
				s = copyMap(s)
				s["description"] = note
			}
			if slices.Contains(shadow, f.Name) {
				shadowProps[f.Name] = s
				if f.Required {
					shadowRequired = append(shadowRequired, f.Name)
				}
				continue
			}
			props[f.Name] = s
			if f.Required {
				required = append(required, f.Name)
			}
		}
		body := map[string]any{
			"type":        "object",
			"description": "The request body as one object: an alternative to passing its fields at the top level.",
		}
		if len(shadowProps) > 0 {
			body["description"] = "The request body. Fields named like a parameter (" + strings.Join(shadow, ", ") + ") must go here."
			body["properties"] = shadowProps
			if len(shadowRequired) > 0 {
				body["required"] = shadowRequired
				required = append(required, "body")
			}
		}
		props["body"] = body
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// outputSchema is a per-function tool's output schema: the success response's
// schema when it is an object, {items: [...]} around an array schema, nil
// otherwise (no body, or a scalar).
func outputSchema(op *catalog.Operation) map[string]any {
	r, ok := op.SuccessResponse()
	if !ok || len(r.Schema) == 0 {
		return nil
	}
	s := compact(decodeSchema(r.Schema), 0)
	switch r.Type {
	case "object":
		if _, ok := s["type"]; !ok {
			s["type"] = "object"
		}
		return s
	case "array":
		return map[string]any{"type": "object", "properties": map[string]any{"items": s}, "required": []string{"items"}}
	}
	return nil
}

// outputDepth is how deep output schemas keep structure: for a list, the list,
// its data array, the item object and the item's fields; anything deeper keeps
// only its type.
const outputDepth = 3

// annotationKeys are dropped from output schemas: they document rather than
// constrain, and the tool description and lua_read_doc already carry them.
var annotationKeys = map[string]bool{"description": true, "title": true, "deprecated": true, "format": true,
	"maxLength": true, "minLength": true, "pattern": true, "maxProperties": true, "propertyNames": true,
	"minimum": true, "maximum": true, "default": true, "examples": true, "readOnly": true, "writeOnly": true}

// compact shrinks an (already sanitized) output schema: no annotations, and
// below outputDepth only the type. Output schemas are for clients checking
// shapes, so this keeps tools/list in functions mode a fraction of its size.
func compact(s map[string]any, depth int) map[string]any {
	if depth >= outputDepth {
		out := map[string]any{}
		if t, ok := s["type"]; ok {
			out["type"] = t
		}
		return out
	}
	out := map[string]any{}
	for k, v := range s {
		switch {
		case annotationKeys[k]:
		case schemaMapKeys[k]:
			if props, ok := v.(map[string]any); ok {
				cp := make(map[string]any, len(props))
				for name, sub := range props {
					if m, ok := sub.(map[string]any); ok {
						cp[name] = compact(m, depth+1)
					} else {
						cp[name] = sub
					}
				}
				out[k] = cp
			}
		case schemaOneKeys[k]:
			if m, ok := v.(map[string]any); ok {
				out[k] = compact(m, depth+1)
			} else {
				out[k] = v
			}
		case schemaListKeys[k]:
			if list, ok := v.([]any); ok {
				cp := make([]any, len(list))
				for i, sub := range list {
					if m, ok := sub.(map[string]any); ok {
						cp[i] = compact(m, depth+1)
					} else {
						cp[i] = sub
					}
				}
				out[k] = cp
			}
		default:
			out[k] = v
		}
	}
	return out
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
