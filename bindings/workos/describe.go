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
		"description": op.Description, "paginated": op.Paginated, "example": example(op),
	}
	var aliases []any
	if op.SeedName != "" {
		aliases = append(aliases, op.SeedName)
	}
	if op.TitleAlias != "" && op.TitleAlias != op.Name {
		if cand, err := cat.Lookup(op.TitleAlias); err == nil && cand == op {
			aliases = append(aliases, op.TitleAlias)
		}
	}
	d["aliases"] = emptyArr(aliases)
	var params []any
	for _, p := range op.Params {
		m := map[string]any{"key": p.Key, "name": p.Name, "in": p.In, "type": p.Type, "required": p.Required || p.In == catalog.InPath}
		if p.ItemType != "" {
			m["item_type"] = p.ItemType
		}
		if len(p.Enum) > 0 {
			m["enum"] = toAnySlice(p.Enum)
		} else if p.Type == "array" && len(p.ItemEnum) > 0 {
			m["item_enum"] = toAnySlice(p.ItemEnum)
		}
		if p.Default != nil {
			m["default"] = p.Default
		}
		if p.Minimum != nil {
			m["minimum"] = *p.Minimum
		}
		if p.Maximum != nil {
			m["maximum"] = *p.Maximum
		}
		if p.Description != "" {
			m["description"] = p.Description
		}
		params = append(params, m)
	}
	d["params"] = emptyArr(params)
	if op.Body != nil {
		b := map[string]any{"required": op.Body.Required}
		var fields []any
		for _, f := range op.Body.Fields {
			m := map[string]any{"name": f.Name, "required": f.Required}
			if f.Type != "" {
				m["type"] = f.Type
			}
			if f.ItemType != "" {
				m["item_type"] = f.ItemType
			}
			if len(f.Enum) > 0 {
				m["enum"] = toAnySlice(f.Enum)
			}
			if f.Const != nil {
				m["const"] = f.Const
			}
			if f.Description != "" {
				m["description"] = f.Description
			}
			if len(f.Variants) > 0 {
				m["variants"] = toAnySlice(f.Variants)
			}
			fields = append(fields, m)
		}
		b["fields"] = emptyArr(fields)
		b["must_use_body"] = emptyArr(toAnySlice(op.ShadowedBodyFields()))
		if op.Body.Discriminator != "" {
			b["discriminator"] = op.Body.Discriminator
		}
		var variants []any
		for _, v := range op.Body.Variants {
			variants = append(variants, map[string]any{"name": v.Name, "required": emptyArr(toAnySlice(v.Required)), "fields": emptyArr(toAnySlice(v.Fields))})
		}
		if len(variants) > 0 {
			b["variants"] = variants
		}
		var groups []any
		for _, g := range op.Body.Groups {
			groups = append(groups, groupDoc(g))
		}
		if len(groups) > 0 {
			b["groups"] = groups
		}
		d["body"] = b
	}
	var pgroups []any
	for _, g := range op.ParamGroups {
		pgroups = append(pgroups, groupDoc(g))
	}
	if len(pgroups) > 0 {
		d["param_groups"] = pgroups
	}
	if r, ok := op.SuccessResponse(); ok {
		m := map[string]any{"status": int64(r.Status)}
		if r.Type != "" {
			m["type"] = r.Type
		}
		if r.SchemaName != "" {
			m["schema_name"] = r.SchemaName
		}
		if r.ListItem != "" {
			m["list_item"] = r.ListItem
		}
		if len(r.Fields) > 0 {
			m["fields"] = toAnySlice(r.Fields)
		}
		d["response"] = m
	}
	return d
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
