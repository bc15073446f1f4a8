package emulator

import "testing"

// TestEveryResponseSchemaDecodes: schemas are decoded on first use, so this
// test decodes them all up front.
func TestEveryResponseSchemaDecodes(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.schemas.decodeAll(); err != nil {
		t.Fatal(err)
	}
}
