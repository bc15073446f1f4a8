package workos

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Result classes for the shapes a call returns without a JSON body (see the
// package doc): an empty body, a redirect, a body that is not JSON.
const (
	emptyResultClass    = "workos.EmptyResult"
	redirectResultClass = "workos.RedirectResult"
	textResultClass     = "workos.TextResult"
	listMetadataClass   = "workos.ListMetadata"
)

// luaClassSet collects the ---@class definitions that response and body
// schemas need. Object schemas are deduplicated by shape (their JSON with
// examples left out), so a nested object that appears in many responses is
// one class, named after the component schema when the catalog gives one and
// otherwise after where it was first met (Parent.field), in catalog order.
type luaClassSet struct {
	classes map[string]*luaClass // by class name
	byShape map[string]string    // shape key -> class name
}

type luaClass struct {
	name   string
	desc   string
	fields []luaField
}

type luaField struct {
	name     string
	typ      string
	optional bool
	desc     string
}

// schemaNode is the part of a JSON Schema the definitions use.
type schemaNode struct {
	Type                 schemaTypes                `json:"type"`
	Nullable             bool                       `json:"nullable"`
	Description          string                     `json:"description"`
	Properties           map[string]json.RawMessage `json:"properties"`
	Required             []string                   `json:"required"`
	Items                json.RawMessage            `json:"items"`
	AdditionalProperties json.RawMessage            `json:"additionalProperties"`
	Enum                 []any                      `json:"enum"`
	Const                any                        `json:"const"`
	AllOf                []json.RawMessage          `json:"allOf"`
	OneOf                []json.RawMessage          `json:"oneOf"`
	AnyOf                []json.RawMessage          `json:"anyOf"`
}

// schemaTypes is a schema's "type": one name or a list of them.
type schemaTypes []string

func (t *schemaTypes) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = schemaTypes{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*t = many
	return nil
}

func newLuaClassSet() *luaClassSet {
	return &luaClassSet{classes: map[string]*luaClass{}, byShape: map[string]string{}}
}

// fixedClass is one of the result classes of responses without a JSON body.
func fixedClass(name string) luaClass {
	switch name {
	case emptyResultClass:
		return luaClass{name: name, desc: "The result of a call whose response has no body.", fields: []luaField{
			{name: "success", typ: "boolean"}, {name: "status", typ: "integer", desc: "HTTP status, e.g. 204"}}}
	case redirectResultClass:
		return luaClass{name: name, desc: "The result of a call answered with a redirect.", fields: []luaField{
			{name: "success", typ: "boolean"}, {name: "status", typ: "integer", desc: "HTTP status, e.g. 302"}, {name: "location", typ: "string", desc: "The Location header"}}}
	}
	return luaClass{name: name, desc: "The result of a call whose response body is not JSON.", fields: []luaField{
		{name: "body", typ: "string"}, {name: "status", typ: "integer"}}}
}

// fixed returns the fixed class name, defining it on first use.
func (s *luaClassSet) fixed(name string) string {
	if _, ok := s.classes[name]; !ok {
		c := fixedClass(name)
		s.add(&c)
	}
	return name
}

func (s *luaClassSet) add(c *luaClass) { s.classes[c.name] = c }

// reserveNames assigns each operation's result its class name before any
// schema is walked, so a component that is also met nested elsewhere keeps
// its component name.
func (s *luaClassSet) reserveNames(cat *catalog.Catalog) {
	for _, name := range cat.Names() {
		op, _ := cat.Lookup(name)
		r, ok := op.SuccessResponse()
		if !ok || len(r.Schema) == 0 {
			continue
		}
		if r.SchemaName != "" {
			s.reserve(r.Schema, "workos."+r.SchemaName)
		}
		if r.ListItem != "" {
			if item := listItemSchema(r.Schema); item != nil {
				s.reserve(item, "workos."+r.ListItem)
			}
		}
	}
}

func (s *luaClassSet) reserve(raw json.RawMessage, name string) {
	key := shapeKey(raw)
	if _, ok := s.byShape[key]; !ok {
		s.byShape[key] = name
	}
}

// returnType is the LuaLS type of op's result, adding the classes it needs.
func (s *luaClassSet) returnType(op *catalog.Operation) string {
	r, ok := op.SuccessResponse()
	switch {
	case !ok:
		return "table"
	case r.Redirect:
		return s.fixed(redirectResultClass)
	case len(r.Schema) == 0:
		return s.fixed(emptyResultClass)
	case r.Type == "string":
		return s.fixed(textResultClass)
	}
	name := "workos." + op.Name + ".result"
	if r.SchemaName != "" {
		name = "workos." + r.SchemaName
	}
	return s.typeOf(r.Schema, name, "")
}

// typeOf is the LuaLS type of the schema raw; name is the class name an
// object schema gets when its shape has none yet, desc the description to
// fall back on.
func (s *luaClassSet) typeOf(raw json.RawMessage, name, desc string) string {
	var n schemaNode
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		return "any"
	}
	nullable := n.Nullable || slices.Contains(n.Type, "null")
	var parts []string
	switch {
	case n.Const != nil:
		parts = []string{luaLiteral(n.Const)}
	case len(n.Enum) > 0:
		for _, e := range n.Enum {
			if e == nil {
				nullable = true
				continue
			}
			parts = append(parts, luaLiteral(e))
		}
	case len(n.Properties) > 0 || len(n.AllOf) > 0:
		parts = []string{s.objectClass(raw, &n, name, desc)}
	case len(n.OneOf) > 0 || len(n.AnyOf) > 0:
		variants := append(slices.Clone(n.OneOf), n.AnyOf...)
		nonNull := 0
		for _, v := range variants {
			if !isNullSchema(v) {
				nonNull++
			}
		}
		tags := variantTags(variants)
		for i, v := range variants {
			vname := name // "X or null" keeps X's name
			if nonNull > 1 {
				vname = fmt.Sprintf("%s.variant%d", name, i+1)
				if tags != nil {
					vname = name + "." + tags[i]
				}
			}
			parts = appendUnion(parts, s.typeOf(v, vname, n.Description))
		}
	case len(n.Type) == 1 && n.Type[0] == "null":
		parts = []string{"nil"}
	default:
		for _, t := range n.Type {
			switch t {
			case "string", "integer", "number", "boolean":
				parts = append(parts, t)
			case "array":
				item := s.typeOf(n.Items, name, "")
				if strings.Contains(item, "|") {
					item = "(" + item + ")"
				}
				parts = append(parts, item+"[]")
			case "object":
				parts = append(parts, mapType(s, n.AdditionalProperties, name))
			}
		}
	}
	if len(parts) == 0 {
		parts = []string{"any"}
	}
	parts = booleanUnion(parts)
	if nullable && !slices.Contains(parts, "any") && !slices.Contains(parts, "nil") {
		parts = append(parts, "nil")
	}
	return strings.Join(parts, "|")
}

// variantTags names oneOf variants by the constant of a property they all
// have (owner.type = "organization" or "user" gives owner.organization and
// owner.user); nil when no property tells every variant apart by a name.
func variantTags(variants []json.RawMessage) []string {
	consts := make([]map[string]string, len(variants))
	first := -1
	for i, v := range variants {
		var n schemaNode
		if isNullSchema(v) {
			continue // no class, no name
		}
		if json.Unmarshal(v, &n) != nil {
			return nil
		}
		if first < 0 {
			first = i
		}
		props, _ := mergedProperties(&n)
		consts[i] = map[string]string{}
		for k, p := range props {
			var pn schemaNode
			if json.Unmarshal(p, &pn) == nil {
				if c, ok := pn.Const.(string); ok && isLuaName(c) {
					consts[i][k] = c
				} else if len(pn.Enum) == 1 {
					if e, ok := pn.Enum[0].(string); ok && isLuaName(e) {
						consts[i][k] = e
					}
				}
			}
		}
	}
	if first < 0 {
		return nil
	}
	keys := make([]string, 0, len(consts[first]))
	for k := range consts[first] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tags := make([]string, len(variants))
		seen := map[string]bool{}
		for i, c := range consts {
			if c == nil {
				continue
			}
			tags[i] = c[k]
			if tags[i] == "" || seen[tags[i]] {
				tags = nil
				break
			}
			seen[tags[i]] = true
		}
		if tags != nil {
			return tags
		}
	}
	return nil
}

// isNullSchema reports whether raw is {"type": "null"}: the JSON null alone.
func isNullSchema(raw json.RawMessage) bool {
	var n schemaNode
	return json.Unmarshal(raw, &n) == nil && len(n.Type) == 1 && n.Type[0] == "null" && len(n.Properties) == 0
}

// booleanUnion replaces the literals true and false, when both are in the
// union, with boolean.
func booleanUnion(parts []string) []string {
	t, f := slices.Index(parts, "true"), slices.Index(parts, "false")
	if t < 0 || f < 0 {
		return parts
	}
	out := slices.Clone(parts)
	out[min(t, f)] = "boolean"
	return slices.Delete(out, max(t, f), max(t, f)+1)
}

// appendUnion adds the members of the union t to parts, once each.
func appendUnion(parts []string, t string) []string {
	for _, p := range splitUnion(t) {
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return parts
}

// splitUnion splits a LuaLS union at its top-level bars.
func splitUnion(t string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range t {
		switch r {
		case '(', '<':
			depth++
		case ')', '>':
			depth--
		case '|':
			if depth == 0 {
				parts = append(parts, t[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, t[start:])
}

// mapType is the type of an object schema without properties.
func mapType(s *luaClassSet, additional json.RawMessage, name string) string {
	if len(additional) == 0 || string(additional) == "true" || string(additional) == "{}" || string(additional) == "false" {
		return "table<string, any>"
	}
	return "table<string, " + s.typeOf(additional, name+".value", "") + ">"
}

// objectClass returns the class of an object schema, defining it (and the
// classes of its nested objects) the first time its shape is met.
func (s *luaClassSet) objectClass(raw json.RawMessage, n *schemaNode, name, desc string) string {
	key := shapeKey(raw)
	if existing, ok := s.byShape[key]; ok {
		if _, defined := s.classes[existing]; defined {
			return existing
		}
		name = existing
	} else {
		name = s.freeName(name)
		s.byShape[key] = name
	}
	props, required := mergedProperties(n)
	if n.Description != "" {
		desc = n.Description
	}
	c := &luaClass{name: name, desc: desc}
	s.add(c) // before the fields, so a recursive shape refers to itself
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var pn schemaNode
		_ = json.Unmarshal(props[k], &pn)
		child := name + "." + k
		if k == "list_metadata" {
			child = listMetadataClass
		}
		c.fields = append(c.fields, luaField{
			name:     k,
			typ:      s.typeOf(props[k], child, ""),
			optional: !slices.Contains(required, k),
			desc:     pn.Description,
		})
	}
	// The fields of oneOf variants (an application of type oauth or m2m)
	// are optional fields of the object, typed as the union of their types.
	variants := variantProperties(n)
	vkeys := make([]string, 0, len(variants))
	for k := range variants {
		if _, ok := props[k]; !ok {
			vkeys = append(vkeys, k)
		}
	}
	sort.Strings(vkeys)
	for _, k := range vkeys {
		f := luaField{name: k, optional: true}
		var parts []string
		for _, raw := range variants[k] {
			var pn schemaNode
			_ = json.Unmarshal(raw, &pn)
			if f.desc == "" {
				f.desc = pn.Description
			}
			parts = appendUnion(parts, s.typeOf(raw, name+"."+k, ""))
		}
		f.typ = strings.Join(booleanUnion(parts), "|")
		c.fields = append(c.fields, f)
	}
	return name
}

// variantProperties gathers the property schemas of the oneOf and anyOf
// variants of n and of its allOf parts, by property name.
func variantProperties(n *schemaNode) map[string][]json.RawMessage {
	out := map[string][]json.RawMessage{}
	add := func(m map[string][]json.RawMessage) {
		for k, v := range m {
			out[k] = append(out[k], v...)
		}
	}
	for _, v := range append(slices.Clone(n.OneOf), n.AnyOf...) {
		var vn schemaNode
		if json.Unmarshal(v, &vn) != nil {
			continue
		}
		props, _ := mergedProperties(&vn)
		for k, p := range props {
			out[k] = append(out[k], p)
		}
		add(variantProperties(&vn))
	}
	for _, part := range n.AllOf {
		var pn schemaNode
		if json.Unmarshal(part, &pn) == nil {
			add(variantProperties(&pn))
		}
	}
	return out
}

// freeName is name, or name with a number appended when another shape has it.
func (s *luaClassSet) freeName(name string) string {
	taken := func(n string) bool {
		if _, ok := s.classes[n]; ok {
			return true
		}
		for _, v := range s.byShape {
			if v == n {
				return true
			}
		}
		return false
	}
	if !taken(name) {
		return name
	}
	for i := 2; ; i++ {
		if n := name + strconv.Itoa(i); !taken(n) {
			return n
		}
	}
}

// mergedProperties gathers the properties and required names of n and its
// allOf parts (nested allOf included).
func mergedProperties(n *schemaNode) (map[string]json.RawMessage, []string) {
	props := map[string]json.RawMessage{}
	for k, v := range n.Properties {
		props[k] = v
	}
	required := slices.Clone(n.Required)
	for _, part := range n.AllOf {
		var pn schemaNode
		if json.Unmarshal(part, &pn) != nil {
			continue
		}
		pp, pr := mergedProperties(&pn)
		for k, v := range pp {
			if _, ok := props[k]; !ok {
				props[k] = v
			}
		}
		required = append(required, pr...)
	}
	return props, required
}

// listItemSchema is the item schema of a list response's data array.
func listItemSchema(raw json.RawMessage) json.RawMessage {
	var n schemaNode
	if json.Unmarshal(raw, &n) != nil {
		return nil
	}
	props, _ := mergedProperties(&n)
	var data schemaNode
	if json.Unmarshal(props["data"], &data) != nil {
		return nil
	}
	return data.Items
}

// shapeKey identifies a schema by its content without examples: the same
// component inlined in two places has the same key.
func shapeKey(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, _ := json.Marshal(dropExamples(v))
	return string(b)
}

func dropExamples(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k == "example" || k == "examples" {
				continue
			}
			out[k] = dropExamples(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = dropExamples(e)
		}
		return out
	}
	return v
}

// luaLiteral renders an enum or const value as a LuaLS literal type.
func luaLiteral(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return "any"
}

// isLuaName reports whether s can follow "---@field " as it is.
func isLuaName(s string) bool {
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}

// write renders the classes sorted by name.
func (s *luaClassSet) write(b *strings.Builder) {
	names := make([]string, 0, len(s.classes))
	for n := range s.classes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := s.classes[n]
		if c.desc != "" {
			fmt.Fprintf(b, "---%s\n", commentLine(c.desc))
		}
		fmt.Fprintf(b, "---@class %s\n", c.name)
		for _, f := range c.fields {
			key := f.name
			if !isLuaName(key) {
				key = "[" + strconv.Quote(key) + "]"
			}
			fmt.Fprintf(b, "---@field %s%s %s", key, optMark(!f.optional), f.typ)
			if d := commentLine(f.desc); d != "" {
				fmt.Fprintf(b, " %s", d)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
}

// bodyProperties gathers a request body's top-level property schemas from the
// schema, its allOf parts and its oneOf variants (first declaration wins).
func bodyProperties(raw json.RawMessage) map[string]json.RawMessage {
	var n schemaNode
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		return nil
	}
	props, _ := mergedProperties(&n)
	for _, v := range append(n.OneOf, n.AnyOf...) {
		for k, p := range bodyProperties(v) {
			if _, ok := props[k]; !ok {
				props[k] = p
			}
		}
	}
	return props
}
