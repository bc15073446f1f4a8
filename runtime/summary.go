package runtime

import (
	"encoding/json"
	"fmt"
	"sort"
)

// summarize replaces a result too large for the output cap with a valid-JSON
// description of it: its type, length, first items and inferred keys, so a model
// can refine its script instead of receiving JSON cut in the middle.
func summarize(v any, size, limit int) json.RawMessage {
	s := map[string]any{
		"truncated": true,
		"reason":    fmt.Sprintf("the result is %d bytes, over the %d-byte output limit", size, limit),
		"hint":      "return only the fields you need, filter in the script, or page with fewer items",
	}
	items := []any(nil)
	switch t := v.(type) {
	case []any:
		s["type"] = "array"
		s["length"] = len(t)
		items = t
		s["item_keys"] = inferKeys(t)
	case map[string]any:
		s["type"] = "object"
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		s["keys"] = keys
		// A WorkOS list: describe its data array.
		if data, ok := t["data"].([]any); ok {
			s["data_length"] = len(data)
			s["item_keys"] = inferKeys(data)
			items = data
		}
	case string:
		s["type"] = "string"
		s["length"] = len(t)
		s["prefix"] = truncateString(t, 200)
	default:
		s["type"] = fmt.Sprintf("%T", v)
	}
	// Include as many leading items as fit in a quarter of the cap.
	for n := min(len(items), 3); n >= 0; n-- {
		if n > 0 {
			s["first_items"] = items[:n]
		} else {
			delete(s, "first_items")
		}
		out, err := json.Marshal(s)
		if err == nil && (len(out) <= limit/4 || n == 0) {
			return out
		}
	}
	out, _ := json.Marshal(s)
	return out
}

// inferKeys returns the union of the keys of the object items, sorted.
func inferKeys(items []any) []string {
	seen := map[string]bool{}
	for i, it := range items {
		if i >= 100 {
			break
		}
		if m, ok := it.(map[string]any); ok {
			for k := range m {
				seen[k] = true
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

func truncateString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
