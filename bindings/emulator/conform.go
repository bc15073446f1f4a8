package emulator

import (
	"slices"
	"strings"
	"time"
)

// conform projects v onto schema s: declared properties are kept (and conformed),
// missing required ones are synthesised, undeclared and private keys are dropped,
// and values of the wrong type are replaced by synthesised ones. Handlers build
// their objects freely; conform guarantees the wire shape the spec documents.
func conform(s schema, v any, now time.Time) any {
	if s == nil {
		return v
	}
	if c, ok := s["const"]; ok {
		return clone(c)
	}
	if len(subschemas(s, "allOf")) > 0 || len(subschemas(s, "oneOf")) > 0 {
		return conformComposite(s, v, now)
	}
	tys := types(s)
	if v == nil {
		if allows(tys, "null") && (len(tys) == 0 || slices.Contains(tys, "null")) {
			return nil
		}
		return synth(s, now, 0)
	}
	vt := jsonType(v)
	untypedObject := vt == "object" && props(s) != nil && len(tys) == 0
	if !allows(tys, vt) && !untypedObject {
		return synth(s, now, 0)
	}
	switch x := v.(type) {
	case map[string]any:
		return conformObject(s, x, now)
	case []any, []string, []Object:
		items, _ := s["items"].(map[string]any)
		arr := clone(x).([]any)
		if items == nil {
			return arr
		}
		for i, e := range arr {
			arr[i] = conform(items, e, now)
		}
		return arr
	case string:
		return conformString(s, x, now)
	default:
		if en, ok := s["enum"].([]any); ok && len(en) > 0 && !containsAny(en, v) {
			return en[0]
		}
		return v
	}
}

// conformComposite conforms v to an allOf (merged, with its oneOf parts chosen
// against v) or a oneOf (the variant that fits v best). An object no documented
// variant fits (an emulator-only event type) is sent as stored.
func conformComposite(s schema, v any, now time.Time) any {
	if parts := subschemas(s, "allOf"); len(parts) > 0 {
		for _, p := range parts {
			if one := subschemas(p, "oneOf"); len(one) > 0 && jsonType(v) == "object" {
				if _, ok := pickScored(one, v); !ok {
					return stripPrivate(clone(v))
				}
			}
		}
		return conform(flatten(s, v), v, now)
	}
	variant, ok := pickScored(subschemas(s, "oneOf"), v)
	if !ok && jsonType(v) == "object" {
		return stripPrivate(clone(v))
	}
	return conform(variant, v, now)
}

// conformObject keeps x's declared properties (conformed), synthesises missing
// required ones and keeps undeclared ones only where additionalProperties is a schema.
func conformObject(s schema, x map[string]any, now time.Time) map[string]any {
	ps := props(s)
	ap, apIsSchema := s["additionalProperties"].(map[string]any)
	out := make(map[string]any, len(x))
	if ps == nil {
		for k, val := range x {
			if strings.HasPrefix(k, "_") {
				continue
			}
			if apIsSchema {
				out[k] = conform(ap, val, now)
			} else {
				out[k] = clone(val)
			}
		}
		return out
	}
	for k, p := range ps {
		pm, _ := p.(map[string]any)
		if val, ok := x[k]; ok {
			out[k] = conform(pm, val, now)
		}
	}
	for _, k := range required(s) {
		if _, ok := out[k]; !ok {
			pm, _ := ps[k].(map[string]any)
			out[k] = synth(pm, now, 0)
		}
	}
	if apIsSchema && len(ap) > 0 {
		for k, val := range x {
			if _, ok := ps[k]; !ok && !strings.HasPrefix(k, "_") {
				out[k] = conform(ap, val, now)
			}
		}
	}
	return out
}

// conformString replaces a string outside the schema's enum by its first value and
// an unparsable date-time by now.
func conformString(s schema, x string, now time.Time) any {
	if en, ok := s["enum"].([]any); ok && len(en) > 0 && !containsAny(en, x) {
		return en[0]
	}
	if s["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
			return ts(now)
		}
	}
	return x
}
