package runtime

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"
)

func TestSummarizeKeepsValidJSONAndStaysSmall(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	tests := []struct {
		name, src string
		check     func(t *testing.T, got map[string]any)
	}{
		{"workos list", `local d = {} for i = 1, 5000 do d[i] = {id = i, email = string.rep("x", 50)} end return {object = "list", data = d}`,
			func(t *testing.T, got map[string]any) {
				if got["data_length"] != float64(5000) {
					t.Errorf("data_length = %v", got["data_length"])
				}
				if diff := cmp.Diff([]any{"email", "id"}, got["item_keys"]); diff != "" {
					t.Errorf("item_keys (-want +got):\n%s", diff)
				}
				if items, _ := got["first_items"].([]any); len(items) != 3 {
					t.Errorf("first_items = %v", got["first_items"])
				}
			}},
		{"many keys", `local t = {} for i = 1, 60000 do t["key_" .. i .. string.rep("x", 30)] = i end return t`,
			func(t *testing.T, got map[string]any) {
				if got["key_count"] != float64(60000) || len(got["keys"].([]any)) != 100 {
					t.Errorf("key_count %v, %d keys listed", got["key_count"], len(got["keys"].([]any)))
				}
			}},
		{"shared subtables", `local s = string.rep("x", 1e6) local t = {s} for i = 1, 12 do t = {t, t} end return t`,
			func(t *testing.T, got map[string]any) {
				if got["type"] != "array" || got["length"] != float64(2) {
					t.Errorf("summary = %v", got)
				}
			}},
		{"long string", `return string.rep("y", 100000)`,
			func(t *testing.T, got map[string]any) {
				if got["type"] != "string" || !strings.HasPrefix(got["prefix"].(string), "yyy") {
					t.Errorf("summary = %v", got)
				}
			}},
	}
	const limit = 20000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := L.DoString(tt.src); err != nil {
				t.Fatal(err)
			}
			v := L.Get(-1)
			L.Pop(1)
			out := summarize(v, limit)
			if len(out) > limit/2 {
				t.Fatalf("summary is %d bytes, over half the %d-byte cap", len(out), limit)
			}
			var got map[string]any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("summary is not JSON: %v\n%s", err, out)
			}
			if got["truncated"] != true {
				t.Errorf("summary lacks truncated: %s", out)
			}
			tt.check(t, got)
		})
	}
}
