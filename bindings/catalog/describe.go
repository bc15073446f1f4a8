package catalog

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/lua/syntax"
)

// Docs for people and models: one rendering of an operation shared by the Lua
// workos.describe, `kosmo-lua describe`, the MCP lua_read_doc tool and the LuaLS
// definition file, so the surfaces never disagree.

// Signature is a compact Lua call signature, e.g.
// `workos.organizations_list{before?, after?, limit?, order?, domains?, search?}`.
// Required keys come first; "?" marks optional ones.
func (op *Operation) Signature() string {
	var req, opt []string
	for _, p := range op.Params {
		if p.Required {
			req = append(req, p.Key)
		} else {
			opt = append(opt, p.Key+"?")
		}
	}
	if op.Body != nil {
		shadow := op.ShadowedBodyFields()
		for _, f := range op.Body.Fields {
			name := f.Name
			if slices.Contains(shadow, f.Name) {
				name = "body." + f.Name
			}
			if f.Required {
				req = append(req, name)
			} else {
				opt = append(opt, name+"?")
			}
		}
	}
	return "workos." + op.Name + "{" + strings.Join(append(req, opt...), ", ") + "}"
}

// ExampleCall is a self-contained Lua call with every required argument
// filled: ids and slugs of the emulator's default seed where the argument
// names a seed object, else the specification's examples. It is what hints
// quote; the page's [Operation.Example] also finds or creates what the seed
// lacks, so it runs as written.
func (op *Operation) ExampleCall() string { return op.exampleCall(nil) }

// exampleCall renders the call; setup maps argument keys to Lua expressions
// over the locals of the example's setup.
func (op *Operation) exampleCall(setup map[string]string) string {
	var parts []string
	given := map[string]any{} // by parameter name or body field: for groups' conditions
	for _, p := range op.Params {
		if p.Required {
			v := op.exampleValue(setup, p.Key, exampleOf(p.Schema, p.Type, p.Key))
			given[p.Name] = v
			parts = append(parts, p.Key+" = "+luaLiteral(v))
		}
	}
	var body []string
	if op.Body != nil {
		parts, body = op.exampleBody(setup, given, parts)
	}
	for _, g := range op.ParamGroups {
		if !exampleNeeds(g, given) {
			continue
		}
		alt := g.Alternatives[len(g.Alternatives)-1]
		for _, name := range alt.Fields {
			if p, ok := op.Param(name); ok && !slices.Contains(alt.OptionalFields, name) {
				parts = append(parts, p.Key+" = "+luaLiteral(op.exampleValue(setup, p.Key, exampleOf(p.Schema, p.Type, p.Key))))
			}
		}
	}
	if len(body) > 0 {
		parts = append(parts, "body = { "+strings.Join(body, ", ")+" }")
	}
	if len(parts) == 0 {
		return "workos." + op.Name + "({})"
	}
	return "workos." + op.Name + "{ " + strings.Join(parts, ", ") + " }"
}

// exampleBody appends the example's body fields to parts (top-level keys)
// or to body (fields a parameter shadows), recording their values in given:
// the required fields of the first variant, then the last alternative of each
// group the call must satisfy.
func (op *Operation) exampleBody(setup map[string]string, given map[string]any, parts []string) ([]string, []string) {
	var body []string
	examples := op.Body.fieldExamples()
	shadow := op.ShadowedBodyFields()
	fields := op.Body.Fields
	if len(op.Body.Variants) > 0 {
		fields = op.Body.variantFields(op.Body.Variants[0].Name)
	}
	for _, f := range fields {
		if !f.Required && f.Const == nil {
			continue
		}
		v, ok := examples[f.Name]
		if !ok || v == nil {
			v = placeholder(f.Type, f.Name)
		}
		v = op.exampleValue(setup, f.Name, v)
		if f.Const != nil {
			v = f.Const
		}
		given[f.Name] = v
		kv := f.Name + " = " + luaLiteral(v)
		if slices.Contains(shadow, f.Name) {
			body = append(body, kv)
		} else {
			parts = append(parts, kv)
		}
	}
	for _, g := range op.Body.Groups {
		if !exampleNeeds(g, given) {
			continue
		}
		alt := g.Alternatives[len(g.Alternatives)-1]
		for _, name := range alt.Fields {
			if slices.Contains(alt.OptionalFields, name) {
				continue
			}
			v, ok := examples[name]
			if !ok || v == nil {
				v = placeholder("string", name)
			}
			v = op.exampleValue(setup, name, v)
			given[name] = v
			parts = append(parts, name+" = "+luaLiteral(v))
		}
	}
	return parts, body
}

// exampleNeeds reports whether an example that passes given must satisfy g:
// g requires an alternative and its condition, if any, holds.
func exampleNeeds(g Group, given map[string]any) bool {
	if g.Optional || len(g.Alternatives) == 0 {
		return false
	}
	if g.When != nil {
		v, ok := given[g.When.Field]
		return g.When.Holds(v, ok)
	}
	return true
}

// variantFields returns the fields of one oneOf variant.
func (b *Body) variantFields(variant string) []Field {
	var out []Field
	for _, f := range b.Fields {
		if len(f.Variants) == 0 || slices.Contains(f.Variants, variant) {
			f := f
			for _, v := range b.Variants {
				if v.Name == variant {
					f.Required = slices.Contains(v.Required, f.Name)
				}
			}
			if f.Name == b.Discriminator {
				f.Const = variant
			}
			out = append(out, f)
		}
	}
	return out
}

// fieldExamples returns the example value of each top-level body field.
func (b *Body) fieldExamples() map[string]any {
	out := map[string]any{}
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			pm, _ := p.(map[string]any)
			if _, seen := out[name]; seen {
				continue
			}
			out[name] = sample(pm, name, 0)
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
	var schema map[string]any
	if json.Unmarshal(b.Schema, &schema) == nil {
		walk(schema)
	}
	return out
}

// sample builds a value that satisfies a schema: its example, const or first
// enum value, else an object of its required properties, an array of its
// minimum length, or a placeholder of its type and format.
func sample(s map[string]any, name string, depth int) any {
	if ex, ok := s["example"]; ok && ex != nil {
		return ex
	}
	if c, ok := s["const"]; ok {
		return c
	}
	if en, ok := s["enum"].([]any); ok && len(en) > 0 {
		return en[0]
	}
	if depth > 6 {
		return nil
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if alts, ok := s[key].([]any); ok && len(alts) > 0 {
			if m, ok := alts[0].(map[string]any); ok {
				return sample(m, name, depth+1)
			}
		}
	}
	typ := ""
	switch t := s["type"].(type) {
	case string:
		typ = t
	case []any:
		for _, x := range t {
			if x != "null" {
				typ, _ = x.(string)
				break
			}
		}
	}
	if typ == "" && (s["properties"] != nil || s["allOf"] != nil) {
		typ = "object"
	}
	switch typ {
	case "object":
		out := map[string]any{}
		var fill func(m map[string]any)
		fill = func(m map[string]any) {
			props, _ := m["properties"].(map[string]any)
			req, _ := m["required"].([]any)
			for _, r := range req {
				k, _ := r.(string)
				if pm, ok := props[k].(map[string]any); ok {
					out[k] = sample(pm, k, depth+1)
				}
			}
			parts, _ := m["allOf"].([]any)
			for _, part := range parts {
				if pm, ok := part.(map[string]any); ok {
					fill(pm)
				}
			}
		}
		fill(s)
		return out
	case "array":
		n := 0
		if v, ok := s["minItems"].(float64); ok {
			n = int(v)
		}
		items, _ := s["items"].(map[string]any)
		out := []any{}
		for i := 0; i < n; i++ {
			out = append(out, sample(items, name, depth+1))
		}
		return out
	case "string":
		switch s["format"] {
		case "date-time":
			return "2026-01-15T12:00:00.000Z"
		case "email":
			return "user@example.com"
		case "uri", "url":
			return "https://example.com"
		}
	}
	return placeholder(typ, name)
}

func exampleOf(schema json.RawMessage, typ, name string) any {
	var s map[string]any
	if json.Unmarshal(schema, &s) == nil {
		if ex, ok := s["example"]; ok && ex != nil {
			return ex
		}
		if en, ok := s["enum"].([]any); ok && len(en) > 0 {
			return en[0]
		}
	}
	return placeholder(typ, name)
}

func placeholder(typ, name string) any {
	switch strings.SplitN(typ, "|", 2)[0] {
	case "integer", "number":
		return 10
	case "boolean":
		return true
	case "array":
		return []any{}
	case "object":
		return map[string]any{}
	}
	return "<" + name + ">"
}

// luaLiteral renders a JSON-like value as a Lua literal.
func luaLiteral(v any) string {
	switch t := v.(type) {
	case nil:
		return "json.null"
	case luaExpr:
		return string(t)
	case string:
		return strconv.Quote(t)
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int:
		return strconv.Itoa(t)
	case json.Number:
		return t.String()
	case []any:
		var parts []string
		for _, x := range t {
			parts = append(parts, luaLiteral(x))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			key := k
			if !syntax.IsName(k) {
				key = "[" + strconv.Quote(k) + "]"
			}
			parts = append(parts, key+" = "+luaLiteral(t[k]))
		}
		if len(parts) == 0 {
			return "json.object({})"
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return fmt.Sprint(v)
}

// tableCell escapes the pipes of a Markdown table cell ("string|null").
func tableCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
