package catalog

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Shapes of request bodies and results for function pages: a compact,
// TypeScript-like notation (`key?: string|null`, `{domain: string, state:
// pending|verified}[]`) that shows the fields an agent must send or will
// read, one level of nesting deep. Schemas are decoded only when a page is
// rendered: the catalog holds them as raw JSON so process start stays cheap.

// nesting says how much of a field's nested object a page shows.
type nesting int

const (
	// nestTypes shows the nested object's keys with their types.
	nestTypes nesting = iota
	// nestSmall shows the keys with their types of a nested object with at
	// most smallObject keys, only the keys of a larger one.
	nestSmall
	// nestNames shows only the nested object's keys.
	nestNames
	// nestNone shows a nested object as `object`.
	nestNone
)

// enumBytes is the most bytes of enum values a type shows before "…".
const enumBytes = 160

// smallObject is the most keys a nested object may have to keep its types at nestSmall.
const smallObject = 4

// shaper renders schema shapes at one level of detail and records whether it
// left anything out, so the page can point to the full schema.
type shaper struct {
	enumLen int // enum values shown before "…"
	nest    nesting
	depth   int  // levels of nested objects a field shows
	cut     bool // something was left out
}

// schemaField is a property of an object schema.
type schemaField struct {
	name     string
	schema   map[string]any
	required bool
}

// decodeSchema decodes a raw schema; nil when there is none or it is not an object.
func decodeSchema(raw json.RawMessage) map[string]any {
	if len(raw) == 0 {
		return nil
	}
	var s map[string]any
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	return s
}

// objectFields gathers an object schema's properties, its allOf parts' and
// its oneOf/anyOf variants' (a property only some variants declare is
// optional), sorted by name. The second result is the number of variants.
func objectFields(s map[string]any) ([]schemaField, int) {
	byName := map[string]*schemaField{}
	consts := map[string][]any{} // the constant values declarations give a field
	variants := 0
	var add func(s map[string]any, optional bool)
	add = func(s map[string]any, optional bool) {
		props, _ := s["properties"].(map[string]any)
		req := map[string]bool{}
		if list, ok := s["required"].([]any); ok {
			for _, r := range list {
				if k, ok := r.(string); ok {
					req[k] = true
				}
			}
		}
		for name, p := range props {
			pm, _ := p.(map[string]any)
			if c, ok := pm["const"]; ok && !slices.Contains(consts[name], c) {
				consts[name] = append(consts[name], c)
			}
			if f, ok := byName[name]; ok {
				f.required = f.required || (req[name] && !optional)
				continue
			}
			byName[name] = &schemaField{name: name, schema: pm, required: req[name] && !optional}
		}
		if parts, ok := s["allOf"].([]any); ok {
			for _, part := range parts {
				if pm, ok := part.(map[string]any); ok {
					add(pm, optional)
				}
			}
		}
		for _, key := range []string{"oneOf", "anyOf"} {
			parts, _ := s[key].([]any)
			var each [][]schemaField
			for _, part := range parts {
				if pm, ok := part.(map[string]any); ok && hasObjectParts(pm) {
					fields, _ := objectFields(pm)
					each = append(each, fields)
				}
			}
			if len(each) > 1 {
				variants += len(each)
			}
			// A field is required when every variant requires it.
			requiredBy := map[string]int{}
			for _, fields := range each {
				for _, f := range fields {
					if c, ok := f.schema["const"]; ok && !slices.Contains(consts[f.name], c) {
						consts[f.name] = append(consts[f.name], c)
					}
					if f.required {
						requiredBy[f.name]++
					}
					if _, ok := byName[f.name]; !ok {
						byName[f.name] = &schemaField{name: f.name, schema: f.schema}
					}
				}
			}
			for name, n := range requiredBy {
				if n == len(each) && !optional {
					byName[name].required = true
				}
			}
		}
	}
	add(s, false)
	out := make([]schemaField, 0, len(byName))
	for name, f := range byName {
		if c := consts[name]; len(c) > 1 {
			// A discriminator: each variant fixes it to another value.
			f.schema = map[string]any{"enum": c}
		}
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, variants
}

// hasObjectParts reports whether s declares properties itself, in an allOf
// part or in a oneOf/anyOf variant.
func hasObjectParts(s map[string]any) bool {
	if _, ok := s["properties"].(map[string]any); ok {
		return true
	}
	for _, key := range []string{"allOf", "oneOf", "anyOf"} {
		parts, _ := s[key].([]any)
		for _, part := range parts {
			if pm, ok := part.(map[string]any); ok && hasObjectParts(pm) {
				return true
			}
		}
	}
	return false
}

// fieldLine renders one field as `name: type`, `name?: type` when optional.
func (sh *shaper) fieldLine(f schemaField, depth int) string {
	name := f.name
	if !f.required {
		name += "?"
	}
	return name + ": " + sh.typeOf(f.schema, depth)
}

// typeOf renders a schema's type; depth is how many levels of nested objects
// may still show their keys.
func (sh *shaper) typeOf(s map[string]any, depth int) string {
	if s == nil {
		return "any"
	}
	if c, ok := s["const"]; ok {
		b, _ := json.Marshal(c)
		return string(b)
	}
	nullable := false
	var alts []string
	if en, ok := s["enum"].([]any); ok && len(en) > 0 {
		size := 0
		for _, v := range en {
			if v == nil {
				nullable = true
				continue
			}
			if len(alts) == sh.enumLen || size > enumBytes {
				alts = append(alts, "…")
				sh.cut = true
				break
			}
			alts = append(alts, enumValue(v))
			size += len(alts[len(alts)-1]) + 1
		}
		if types := typeNames(s); slices.Contains(types, "null") {
			nullable = true
		}
		return union(alts, nullable)
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		parts, ok := s[key].([]any)
		if !ok {
			continue
		}
		var objects int
		for _, part := range parts {
			pm, _ := part.(map[string]any)
			if t, _ := pm["type"].(string); t == "null" {
				nullable = true
				continue
			}
			if hasObjectParts(pm) {
				objects++
				continue
			}
			alts = appendNew(alts, sh.typeOf(pm, depth))
		}
		if objects > 0 {
			alts = appendNew(alts, sh.object(s, depth))
		}
		if len(alts) > 0 {
			return union(alts, nullable)
		}
	}
	if hasObjectParts(s) {
		return union([]string{sh.object(s, depth)}, nullable || slices.Contains(typeNames(s), "null"))
	}
	for _, t := range typeNames(s) {
		switch t {
		case "null":
			nullable = true
		case "array":
			items, _ := s["items"].(map[string]any)
			it := sh.typeOf(items, depth)
			if strings.Contains(it, "|") && !strings.HasPrefix(it, "{") {
				it = "(" + it + ")"
			}
			alts = append(alts, it+"[]")
		default:
			alts = append(alts, t)
		}
	}
	if len(alts) == 0 {
		return "any"
	}
	return union(alts, nullable)
}

// object renders an object schema with properties: its keys (with types at
// nestTypes) while depth allows, else `object`.
func (sh *shaper) object(s map[string]any, depth int) string {
	fields, _ := objectFields(s)
	if depth <= 0 || sh.nest == nestNone {
		sh.cut = true
		return "object"
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		if sh.nest == nestNames || sh.nest == nestSmall && len(fields) > smallObject {
			parts[i] = f.name
			if !f.required {
				parts[i] += "?"
			}
			sh.cut = true
			continue
		}
		parts[i] = sh.fieldLine(f, depth-1)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// typeNames returns the schema's type keyword as a list ("string" or ["string", "null"]).
func typeNames(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if n, ok := x.(string); ok {
				out = append(out, n)
			}
		}
		return out
	}
	if _, ok := s["additionalProperties"]; ok {
		return []string{"object"}
	}
	return nil
}

func enumValue(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// union joins alternatives with "|", null last.
func union(alts []string, nullable bool) string {
	if nullable {
		alts = append(alts, "null")
	}
	return strings.Join(alts, "|")
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
