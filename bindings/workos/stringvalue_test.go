package workos

import (
	"testing"

	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// TestStringValueFieldMatchesSandbox: error tables carry the field the
// sandbox's string library looks for.
func TestStringValueFieldMatchesSandbox(t *testing.T) {
	if stringValueField != sandbox.StringValueField {
		t.Fatalf("stringValueField = %q, sandbox.StringValueField = %q", stringValueField, sandbox.StringValueField)
	}
}
