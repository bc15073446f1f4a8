package docpages

import (
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestEveryGuideRenders: every listed guide exists, starts with its title and
// has its placeholders filled.
func TestEveryGuideRenders(t *testing.T) {
	cat := catalog.Default()
	p := New(cat, cat.Operations(), Facts{Limits: map[string]string{"timeout": "30s", "memory": "64 MiB", "max_calls": "100", "max_result_bytes": "1", "max_log_bytes": "2"}})
	for _, name := range GuideNames() {
		text, ok := p.Guide(name)
		if !ok {
			t.Fatalf("guide %q is listed but missing", name)
		}
		if !strings.HasPrefix(text, "# "+name) {
			t.Errorf("guide %q starts %.40q, want its name as the title", name, text)
		}
		if strings.Contains(text, "{{") {
			t.Errorf("guide %q has an unfilled placeholder", name)
		}
	}
	if p.Hidden() != 0 || p.ReadOnly() {
		t.Errorf("with every function allowed: hidden %d, read-only %v; want 0, false", p.Hidden(), p.ReadOnly())
	}
}
