package mcptools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Bounds of a JSON summary, as in the runtime's own summaries.
const (
	jsonSummaryMaxKeys  = 100
	jsonSummaryMaxItems = 3
	jsonSummaryScan     = 100
	jsonSummaryPrefix   = 200
)

// summarizeJSON describes a result too big for a tool result, in the shape of
// the runtime's summaries (truncated, reason, hint, type, length, keys,
// item_keys, first_items), kept under half of limit. full is valid JSON.
func summarizeJSON(full []byte, limit int) map[string]any {
	s := map[string]any{
		"truncated": true,
		"reason":    fmt.Sprintf("the result is %d bytes of JSON, over the %d-byte tool result cap", len(full), limit),
		"hint":      "return only the fields you need, filter in the script, or page with fewer items",
	}
	d := json.NewDecoder(bytes.NewReader(full))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return s
	}
	var items []any
	switch t := v.(type) {
	case []any:
		s["type"], s["length"] = "array", len(t)
		items = t
	case map[string]any:
		s["type"] = "object"
		s["keys"], s["key_count"] = sortedKeys(t, jsonSummaryMaxKeys), len(t)
		if data, ok := t["data"].([]any); ok {
			s["data_length"] = len(data)
			items = data
		}
	case string:
		s["type"], s["length"] = "string", len(t)
		p := t
		if len(p) > jsonSummaryPrefix {
			p = p[:jsonSummaryPrefix]
			for !utf8.ValidString(p) {
				p = p[:len(p)-1]
			}
			p += "…"
		}
		s["prefix"] = p
	}
	if items != nil {
		seen := map[string]bool{}
		for _, it := range items[:min(len(items), jsonSummaryScan)] {
			if m, ok := it.(map[string]any); ok {
				for k := range m {
					if len(seen) < jsonSummaryMaxKeys {
						seen[k] = true
					}
				}
			}
		}
		if len(seen) > 0 {
			s["item_keys"] = sortedKeys(seen, jsonSummaryMaxKeys)
		}
		var first []json.RawMessage
		for _, it := range items[:min(len(items), jsonSummaryMaxItems)] {
			if b, err := json.Marshal(it); err == nil && len(b) <= limit/8 {
				first = append(first, b)
			}
		}
		if len(first) > 0 {
			s["first_items"] = first
		}
	}
	return shrinkSummary(s, limit)
}

// shrinkSummary drops the bulkiest parts of a summary until its JSON fits in
// half of limit.
func shrinkSummary(s map[string]any, limit int) map[string]any {
	for _, drop := range []string{"", "first_items", "item_keys", "keys", "prefix"} {
		delete(s, drop)
		if b, err := json.Marshal(s); err == nil && len(b) <= limit/2 {
			return s
		}
	}
	return map[string]any{"truncated": true, "type": s["type"], "reason": s["reason"]}
}

// runtimeSummary returns the runtime's own summary of a result over its
// output cap (see runtime.Options.MaxOutputBytes), recognised by its
// reason, or nil when data is a result.
func runtimeSummary(data []byte) map[string]any {
	if !bytes.HasPrefix(data, []byte("{")) || !bytes.Contains(data, []byte(`"truncated":true`)) {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil || m["truncated"] != true {
		return nil
	}
	if r, _ := m["reason"].(string); !strings.HasSuffix(r, "-byte output limit") {
		return nil
	}
	return m
}

func sortedKeys[V any](m map[string]V, limit int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[:min(len(keys), limit)]
}
