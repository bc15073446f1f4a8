package api

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/internal/apitest"
)

// TestWarmSchemasAlongsideValidation: warming the schema library while
// bodies are validated changes no result, and warming again is harmless.
func TestWarmSchemasAlongsideValidation(t *testing.T) {
	cat := apitest.Catalog(t)
	c := newTestClient(t, "http://127.0.0.1:1", nil)
	op := apitest.MustOp(t, cat, "organizations_create")
	args := map[string]any{"name": "a", "domain_data": []any{map[string]any{"domain": "b.com", "state": "maybe"}}}
	want := `workos: organizations_create: body.domain_data[1].state: value must be one of 'pending', 'verified'; fix the value to match the request schema (see workos.describe("organizations_create"))`
	var wg sync.WaitGroup
	errs := make([]string, 8)
	for i := range errs {
		wg.Add(2)
		go func() { defer wg.Done(); WarmSchemas() }()
		go func() {
			defer wg.Done()
			if _, err := c.Prepare(op, args); err != nil {
				errs[i] = err.Error()
			}
		}()
	}
	wg.Wait()
	for i, got := range errs {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("validation %d (-want +got):\n%s", i, diff)
		}
	}
}
