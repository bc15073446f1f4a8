package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestResponseBytesMatchEncodingJSON checks that the emulator's responses,
// encoded with segmentio's encoder for speed, are the bytes encoding/json
// would write for the same values: every GET without path parameters, over
// the default seed.
func TestResponseBytesMatchEncodingJSON(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, op := range catalog.Default().Operations() {
		if op.Method != http.MethodGet || strings.Contains(op.Path, "{") {
			continue
		}
		code, body, hdr := do(t, e, op.Method, op.Path, "")
		if !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || body == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %d %s: %v", op.Name, code, body, err)
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal([]byte(body), want) {
			t.Errorf("%s: the response differs from encoding/json's bytes\n got: %s\nwant: %s", op.Name, body, want)
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d responses checked; expected the seed's list operations", checked)
	}
}
