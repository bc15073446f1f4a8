package mcptools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestStructuredResults: per-function results are always JSON objects within
// the result cap.
func TestStructuredResults(t *testing.T) {
	s := &server{opts: Options{MaxResultBytes: 300}}
	op := &catalog.Operation{Name: "things_list"}
	status := 204
	var items []string
	for i := range 20 {
		items = append(items, fmt.Sprintf(`{"id":"thing_%02d"}`, i))
	}
	bigList := `{"object":"list","data":[` + strings.Join(items, ",") + `],"list_metadata":{"after":"c1"}}`
	tests := []struct {
		name     string
		data     string
		want     string
		wantNote string
		wantErr  string
	}{
		{"object", `{"id":"x"}`, `{"id":"x"}`, "", ""},
		{"array", `[1,2]`, `{"items":[1,2]}`, "", ""},
		{"scalar", `"ok"`, `{"value":"ok"}`, "", ""},
		{"no body", ``, `{"status":204,"success":true}`, "", ""},
		{"big list keeps leading items", bigList, "", "Showing the first", ""},
		{"big object", `{"blob":"` + strings.Repeat("x", 400) + `"}`, "", "", "over this server's 300-byte cap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note, err := s.structured(op, &runtime.CallResult{Success: true, Data: json.RawMessage(tt.data), Meta: runtime.CallMeta{Status: &status}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > 300 {
				t.Errorf("result is %d bytes, over the cap", len(got))
			}
			var m map[string]any
			if err := json.Unmarshal(got, &m); err != nil {
				t.Fatalf("result is not a JSON object: %s", got)
			}
			if tt.want != "" {
				var want map[string]any
				_ = json.Unmarshal([]byte(tt.want), &want)
				if diff := cmp.Diff(want, m); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			}
			if !strings.Contains(note, tt.wantNote) {
				t.Errorf("note = %q, want %q", note, tt.wantNote)
			}
			if tt.wantNote != "" {
				if m["object"] != "list" || m["list_metadata"] == nil || len(m["data"].([]any)) == 0 {
					t.Errorf("trimmed list lost its shape: %s", got)
				}
			}
		})
	}
}

// TestInputSchemaShapes checks the flattening rules on real operations.
func TestInputSchemaShapes(t *testing.T) {
	cat := catalog.Default()
	for _, op := range cat.Operations() {
		s := inputSchema(op)
		props := s["properties"].(map[string]any)
		for _, p := range op.Params {
			if props[p.Key] == nil {
				t.Errorf("%s: parameter %s missing", op.Name, p.Key)
			}
		}
		if op.Body == nil {
			if props["body"] != nil {
				t.Errorf("%s: body property without a request body", op.Name)
			}
			continue
		}
		if props["body"] == nil {
			t.Errorf("%s: no body property", op.Name)
		}
		shadow := op.ShadowedBodyFields()
		for _, f := range op.Body.Fields {
			if slices.Contains(shadow, f.Name) {
				body := props["body"].(map[string]any)
				if bp, _ := body["properties"].(map[string]any); bp[f.Name] == nil {
					t.Errorf("%s: shadowed body field %s is not under body", op.Name, f.Name)
				}
				continue
			}
			if props[f.Name] == nil {
				t.Errorf("%s: body field %s is not at the top level", op.Name, f.Name)
			}
		}
	}
}
