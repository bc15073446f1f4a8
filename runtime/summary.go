package runtime

import (
	"encoding/json"
	"fmt"
	"sort"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/textcut"
)

// Bounds of a result summary, so that describing a huge result costs little and
// the summary itself stays far below the output cap.
const (
	summaryMaxKeys  = 100 // keys listed; key_count gives the total
	summaryMaxItems = 3   // leading items shown
	summaryScan     = 100 // items scanned to infer their keys
)

// summarize replaces a result too large for the output cap with a valid-JSON
// description of it — its type, length, first items and inferred keys — so a
// model can refine its script instead of receiving JSON cut in the middle. It
// walks the Lua value with fixed budgets and never encodes it whole.
func summarize(v lua.LValue, limit int) json.RawMessage {
	s := map[string]any{
		"truncated": true,
		"reason":    fmt.Sprintf("the result is over the %d-byte output limit", limit),
		"hint":      "return only the fields you need, filter in the script, or page with fewer items",
	}
	var items *lua.LTable
	switch t := v.(type) {
	case *lua.LTable:
		if n := t.Len(); n > 0 || luajson.IsArray(t) {
			s["type"] = "array"
			s["length"] = n
			items = t
		} else {
			s["type"] = "object"
			keys, count := tableKeys(t, summaryMaxKeys)
			s["keys"], s["key_count"] = keys, count
			// A WorkOS list: describe its data array.
			if data, ok := t.RawGetString("data").(*lua.LTable); ok {
				s["data_length"] = data.Len()
				items = data
			}
		}
	case lua.LString:
		s["type"] = "string"
		s["length"] = len(t)
		s["prefix"] = textcut.Cut(string(t), 200, "…")
	default:
		s["type"] = v.Type().String()
	}
	if items != nil {
		s["item_keys"] = itemKeys(items)
		var first []json.RawMessage
		for i := 1; i <= items.Len() && len(first) < summaryMaxItems; i++ {
			if data, err := luajson.Encode(items.RawGetInt(i), &luajson.EncodeOptions{MaxBytes: limit / 8}); err == nil {
				first = append(first, data)
			}
		}
		if len(first) > 0 {
			s["first_items"] = first
		}
	}
	// Keep the summary well under the cap: drop the bulkiest parts if needed.
	for _, drop := range []string{"", "first_items", "item_keys", "keys", "prefix"} {
		delete(s, drop)
		if out, err := json.Marshal(s); err == nil && len(out) <= limit/2 {
			return out
		}
	}
	out, _ := json.Marshal(map[string]any{"truncated": true, "type": s["type"], "reason": s["reason"]})
	return out
}

// tableKeys returns up to max string keys of t, sorted, and the number of keys.
func tableKeys(t *lua.LTable, max int) ([]string, int) {
	var keys []string
	count := 0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		count++
		if len(keys) < max {
			keys = append(keys, lua.LVAsString(k))
		}
	}
	sort.Strings(keys)
	return keys, count
}

// itemKeys returns the union of the keys of the first object items, sorted and bounded.
func itemKeys(items *lua.LTable) []string {
	seen := map[string]bool{}
	for i := 1; i <= items.Len() && i <= summaryScan; i++ {
		if it, ok := items.RawGetInt(i).(*lua.LTable); ok {
			keys, _ := tableKeys(it, summaryMaxKeys)
			for _, k := range keys {
				if len(seen) < summaryMaxKeys {
					seen[k] = true
				}
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
