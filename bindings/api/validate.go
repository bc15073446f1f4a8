package api

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// This file holds the checks of a call's arguments against the catalog:
// required arguments, mutually exclusive groups, and the top-level body's
// types, enums and oneOf variant. The body's JSON Schema is checked in
// schema.go; parameter values as they are converted, in coerce.go.

// checkRequired reports every missing required parameter and body field at
// once. body is nil when the caller gave none; its fields are then required
// only when the body is.
func (p *preparer) checkRequired(params, body map[string]any) error {
	op := p.op
	var missing []string
	var hints []string
	for _, prm := range op.Params {
		if !prm.Required && prm.In != catalog.InPath {
			continue
		}
		if _, ok := params[prm.Key]; !ok {
			missing = append(missing, prm.Key)
		}
	}
	if op.Body != nil && (body != nil || op.Body.Required) {
		shadow := shadowedFields(op)
		for _, f := range op.Body.Fields {
			if !f.Required {
				continue
			}
			if _, ok := body[f.Name]; ok {
				continue
			}
			if shadow[f.Name] {
				missing = append(missing, "body."+f.Name)
				hints = append(hints, fmt.Sprintf("%q is also a parameter, so pass the body field as body = {%s = ...}", f.Name, f.Name))
			} else {
				missing = append(missing, f.Name)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	problem := "missing required argument"
	if len(missing) > 1 {
		problem += "s"
	}
	hint := "pass " + strings.Join(missing, ", ")
	if len(hints) > 0 {
		hint += " (" + strings.Join(hints, "; ") + ")"
	}
	return p.fail(strings.Join(missing, ", "), problem, hint)
}

// checkParamGroups enforces the operation's parameter groups, naming
// parameters by their keys.
func (p *preparer) checkParamGroups(params map[string]any) error {
	for _, g := range p.op.ParamGroups {
		if err := p.checkGroup(g, func(name string) (any, bool) {
			prm, ok := p.op.Param(name)
			if !ok {
				return nil, false
			}
			v, given := params[prm.Key]
			return v, given
		}, func(name string) string {
			if prm, ok := p.op.Param(name); ok {
				return prm.Key
			}
			return name
		}); err != nil {
			return err
		}
	}
	return nil
}

// checkGroup enforces one group (see [catalog.Group]): when its condition
// holds, the number of alternatives given (exactly one; at most one when
// Optional; at least one when Inclusive), and all required fields of each
// alternative given. lookup finds an argument by the group's field name; key
// names it for the caller.
func (p *preparer) checkGroup(g catalog.Group, lookup func(string) (any, bool), key func(string) string) error {
	given := func(f string) bool { _, ok := lookup(f); return ok }
	when := ""
	if g.When != nil {
		v, ok := lookup(g.When.Field)
		if !g.When.Holds(v, ok) {
			return nil
		}
		when = " when " + catalog.Condition{Field: key(g.When.Field), Equals: g.When.Equals}.String()
	}
	var chosen []catalog.GroupAlternative
	for _, alt := range g.Alternatives {
		for _, f := range alt.Fields {
			if given(f) {
				chosen = append(chosen, alt)
				break
			}
		}
	}
	rule := "give exactly one of: "
	if g.Inclusive {
		rule = "give at least one of: "
	}
	switch {
	case len(chosen) > 1 && !g.Inclusive:
		var ks []string
		for _, a := range chosen {
			for _, f := range a.Fields {
				if given(f) {
					ks = append(ks, key(f))
				}
			}
		}
		return p.fail(strings.Join(ks, ", "), fmt.Sprintf("mutually exclusive (group %q)", g.Name),
			rule+describeAlternatives(g.Alternatives, key))
	case len(chosen) == 0:
		if g.Optional {
			return nil
		}
		if len(g.Alternatives) == 1 {
			alt := g.Alternatives[0]
			var ks []string
			for _, f := range alt.Fields {
				if !optionalFields(alt)[f] {
					ks = append(ks, key(f))
				}
			}
			return p.fail(strings.Join(ks, ", "), fmt.Sprintf("required%s (group %q)", when, g.Name),
				"pass "+describeAlternatives(g.Alternatives, key))
		}
		if g.Inclusive {
			var ks []string
			for _, a := range g.Alternatives {
				for _, f := range a.Fields {
					ks = append(ks, key(f))
				}
			}
			return p.fail(strings.Join(ks, ", "), fmt.Sprintf("at least one is required%s (group %q)", when, g.Name),
				rule+describeAlternatives(g.Alternatives, key)+" (several may be combined)")
		}
		return p.fail(g.Name, fmt.Sprintf("one of the %q alternatives is required%s", g.Name, when),
			rule+describeAlternatives(g.Alternatives, key))
	}
	for _, alt := range chosen {
		opt := optionalFields(alt)
		var missing []string
		for _, f := range alt.Fields {
			if !opt[f] && !given(f) {
				missing = append(missing, key(f))
			}
		}
		if len(missing) > 0 {
			return p.fail(strings.Join(missing, ", "), fmt.Sprintf("required together with the other fields of %q (group %q)", alt.Name, g.Name),
				"give all of: "+describeAlternatives([]catalog.GroupAlternative{alt}, key))
		}
	}
	return nil
}

// describeAlternatives writes a group's alternatives as
// "a + b [+ c] | d", fields named by key.
func describeAlternatives(alts []catalog.GroupAlternative, key func(string) string) string {
	parts := make([]string, 0, len(alts))
	for _, a := range alts {
		opt := optionalFields(a)
		var b strings.Builder
		for i, f := range a.Fields {
			switch {
			case opt[f]:
				b.WriteString(" [+ " + key(f) + "]")
			case i > 0:
				b.WriteString(" + " + key(f))
			default:
				b.WriteString(key(f))
			}
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, " | ")
}

// optionalFields is the set of an alternative's optional fields.
func optionalFields(alt catalog.GroupAlternative) map[string]bool {
	opt := map[string]bool{}
	for _, f := range alt.OptionalFields {
		opt[f] = true
	}
	return opt
}

// checkBody checks the top-level body: field types and enums, the oneOf variant
// chosen by the discriminator, and the mutually exclusive groups.
func (p *preparer) checkBody(body map[string]any) error {
	b := p.op.Body
	names := slices.Sorted(maps.Keys(body))
	for _, k := range names {
		f, ok := b.Field(k)
		if !ok {
			continue
		}
		if err := p.checkValue(k, f.Type, f.Enum, body[k]); err != nil {
			return err
		}
	}
	if b.Discriminator != "" && len(b.Variants) > 0 {
		if err := p.checkVariant(body, names); err != nil {
			return err
		}
	}
	for _, g := range b.Groups {
		if err := p.checkGroup(g, func(f string) (any, bool) { v, ok := body[f]; return v, ok }, func(f string) string { return f }); err != nil {
			return err
		}
	}
	return nil
}

// checkVariant checks the oneOf variant the discriminator selects: a known
// value, every required field of that variant, and (when the variant lists
// them) no field of another. names are body's keys, sorted.
func (p *preparer) checkVariant(body map[string]any, names []string) error {
	b := p.op.Body
	d := b.Discriminator
	var valid []string
	for _, v := range b.Variants {
		valid = append(valid, v.Name)
	}
	dv, ok := body[d].(string)
	if !ok {
		return p.fail(d, "required: it selects the variant", "give one of: "+strings.Join(valid, ", "))
	}
	var variant *catalog.Variant
	for i := range b.Variants {
		if b.Variants[i].Name == dv {
			variant = &b.Variants[i]
		}
	}
	if variant == nil {
		return p.fail(d, fmt.Sprintf("unknown value %q", dv), suggest(dv, valid, "give one of: "+strings.Join(valid, ", ")))
	}
	var missing []string
	for _, r := range variant.Required {
		if _, ok := body[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return p.fail(strings.Join(missing, ", "), fmt.Sprintf("required when %s = %q", d, dv), "pass "+strings.Join(missing, ", "))
	}
	allowed := map[string]bool{}
	for _, f := range variant.Fields {
		allowed[f] = true
	}
	if len(allowed) == 0 {
		return nil
	}
	for _, k := range names {
		if !allowed[k] {
			return p.fail(k, fmt.Sprintf("not accepted when %s = %q", d, dv),
				"fields of this variant: "+strings.Join(variant.Fields, ", "))
		}
	}
	return nil
}

// checkValue checks a value against a catalog type ("string", "string|null",
// "integer", "array", ...; "" accepts anything) and an enum.
func (p *preparer) checkValue(name, typ string, enum []string, val any) error {
	if typ == "" {
		return nil
	}
	if isNull(val) {
		for _, t := range strings.Split(typ, "|") {
			if t == "null" {
				return nil
			}
		}
		return p.fail(name, "must not be null (type "+typ+")", "leave it out instead of passing json.null")
	}
	okType := false
	for _, t := range strings.Split(typ, "|") {
		if matchesType(t, val) {
			okType = true
			break
		}
	}
	if !okType {
		return p.fail(name, fmt.Sprintf("must be %s, got %s", article(typ), typeOf(val)), exampleFor(name, typ))
	}
	if s, ok := val.(string); ok {
		return p.checkEnum(name, s, enum)
	}
	return nil
}

// checkEnum checks s against enum (empty: any value).
func (p *preparer) checkEnum(name, s string, enum []string) error {
	if len(enum) == 0 {
		return nil
	}
	for _, e := range enum {
		if e == s {
			return nil
		}
	}
	return p.fail(name, fmt.Sprintf("invalid value %q", s), suggest(s, enum, "allowed values: "+strings.Join(enum, ", ")))
}

// matchesType reports whether v is of JSON type t; an unknown t matches
// anything.
func matchesType(t string, v any) bool {
	switch t {
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		f, ok := number(v)
		return ok && f == math.Trunc(f)
	case "number":
		_, ok := number(v)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := asObject(v)
		return ok
	case "null":
		return isNull(v)
	}
	return true
}
