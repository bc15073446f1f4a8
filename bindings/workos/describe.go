package workos

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// luaDescribe implements workos.describe(name): the function's documentation.
func (s *state) luaDescribe(L *lua.LState) int {
	op, err := s.resolve(L.Get(1), "", `workos.describe("organizations_find")`)
	if err != nil {
		s.raise(L, nil, err)
	}
	L.Push(luajson.FromGo(L, Describe(s.catalog(), op)))
	return 1
}

// Describe returns an operation's documentation as plain values (what
// workos.describe returns): name, seed_name, aliases, method, path, access,
// auth, summary, description, paginated, params, body (fields, which must go
// under body, variants, groups), response and an example call.
func Describe(cat *catalog.Catalog, op *catalog.Operation) map[string]any {
	d := map[string]any{
		"name": op.Name, "seed_name": op.SeedName, "method": op.Method, "path": op.Path,
		"access": string(op.Access), "auth": string(op.Auth), "summary": op.Summary,
		"description": op.Description, "paginated": op.Paginated, "example": op.ExampleCall(),
		"aliases": describeAliases(cat, op), "params": describeParams(op),
	}
	if op.Body != nil {
		d["body"] = describeBody(op)
	}
	var pgroups []any
	for _, g := range op.ParamGroups {
		pgroups = append(pgroups, groupDoc(g))
	}
	if len(pgroups) > 0 {
		d["param_groups"] = pgroups
	}
	if r, ok := op.SuccessResponse(); ok {
		d["response"] = describeResponse(r)
	}
	return d
}

// describeAliases lists the other names that resolve to op.
func describeAliases(cat *catalog.Catalog, op *catalog.Operation) []any {
	var aliases []any
	if op.SeedName != "" {
		aliases = append(aliases, op.SeedName)
	}
	if op.TitleAlias != "" && op.TitleAlias != op.Name {
		if cand, err := cat.Lookup(op.TitleAlias); err == nil && cand == op {
			aliases = append(aliases, op.TitleAlias)
		}
	}
	return emptyArr(aliases)
}

// describeParams documents the path, query and header parameters.
func describeParams(op *catalog.Operation) []any {
	var params []any
	for _, p := range op.Params {
		m := map[string]any{"key": p.Key, "name": p.Name, "in": p.In, "type": p.Type, "required": p.Required || p.In == catalog.InPath}
		setIf(m, "item_type", p.ItemType, p.ItemType != "")
		if len(p.Enum) > 0 {
			m["enum"] = toAnySlice(p.Enum)
		} else if p.Type == "array" && len(p.ItemEnum) > 0 {
			m["item_enum"] = toAnySlice(p.ItemEnum)
		}
		setIf(m, "default", p.Default, p.Default != nil)
		if p.Minimum != nil {
			m["minimum"] = *p.Minimum
		}
		if p.Maximum != nil {
			m["maximum"] = *p.Maximum
		}
		setIf(m, "description", p.Description, p.Description != "")
		params = append(params, m)
	}
	return emptyArr(params)
}

// describeBody documents the request body: its fields, the ones that must
// go under body, and its variants and groups.
func describeBody(op *catalog.Operation) map[string]any {
	b := map[string]any{"required": op.Body.Required}
	var fields []any
	for _, f := range op.Body.Fields {
		m := map[string]any{"name": f.Name, "required": f.Required}
		setIf(m, "type", f.Type, f.Type != "")
		setIf(m, "item_type", f.ItemType, f.ItemType != "")
		setIf(m, "enum", toAnySlice(f.Enum), len(f.Enum) > 0)
		setIf(m, "const", f.Const, f.Const != nil)
		setIf(m, "description", f.Description, f.Description != "")
		setIf(m, "variants", toAnySlice(f.Variants), len(f.Variants) > 0)
		fields = append(fields, m)
	}
	b["fields"] = emptyArr(fields)
	b["must_use_body"] = emptyArr(toAnySlice(op.ShadowedBodyFields()))
	setIf(b, "discriminator", op.Body.Discriminator, op.Body.Discriminator != "")
	var variants []any
	for _, v := range op.Body.Variants {
		variants = append(variants, map[string]any{"name": v.Name, "required": emptyArr(toAnySlice(v.Required)), "fields": emptyArr(toAnySlice(v.Fields))})
	}
	setIf(b, "variants", variants, len(variants) > 0)
	var groups []any
	for _, g := range op.Body.Groups {
		groups = append(groups, groupDoc(g))
	}
	setIf(b, "groups", groups, len(groups) > 0)
	return b
}

// describeResponse documents the success response.
func describeResponse(r catalog.Response) map[string]any {
	m := map[string]any{"status": int64(r.Status)}
	setIf(m, "type", r.Type, r.Type != "")
	setIf(m, "schema_name", r.SchemaName, r.SchemaName != "")
	setIf(m, "list_item", r.ListItem, r.ListItem != "")
	setIf(m, "fields", toAnySlice(r.Fields), len(r.Fields) > 0)
	return m
}

// setIf sets m[k] = v when ok.
func setIf(m map[string]any, k string, v any, ok bool) {
	if ok {
		m[k] = v
	}
}

func groupDoc(g catalog.Group) map[string]any {
	var alts []any
	for _, a := range g.Alternatives {
		m := map[string]any{"name": a.Name, "fields": emptyArr(toAnySlice(a.Fields))}
		if len(a.OptionalFields) > 0 {
			m["optional_fields"] = toAnySlice(a.OptionalFields)
		}
		alts = append(alts, m)
	}
	return map[string]any{"name": g.Name, "optional": g.Optional, "alternatives": emptyArr(alts)}
}

func emptyArr(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}
