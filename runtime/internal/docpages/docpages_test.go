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

// TestReadNotFoundAndRefused: an unknown page with nothing close says so and
// how to list pages; a refused function's page says so on its first line.
func TestReadNotFoundAndRefused(t *testing.T) {
	cat := catalog.Default()
	var reads []*catalog.Operation
	for _, op := range cat.Operations() {
		if op.Access == catalog.Read {
			reads = append(reads, op)
		}
	}
	p := New(cat, reads, Facts{})
	tests := []struct {
		page       string
		ok         bool
		wantPrefix string
		want       []string
		notWant    []string
	}{
		{"zzqxj", false, `Page "zzqxj" not found, and no page name is close to it.`, []string{"Guides: overview", "lua_list_docs"}, []string{"Closest pages: ."}},
		{"organisations_lst", false, `Page "organisations_lst" not found. Closest pages: `, []string{"organizations_list"}, nil},
		{"organizations_create", true, "> Not callable on this server: its policy refuses organizations_create (write)", []string{"# workos.organizations_create"}, nil},
		{"organizations_list", true, "# workos.organizations_list", nil, []string{"Not callable"}},
		{"Pagination", true, "# pagination", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			text, ok := p.Read(tt.page)
			if ok != tt.ok {
				t.Errorf("ok = %v, want %v", ok, tt.ok)
			}
			if !strings.HasPrefix(text, tt.wantPrefix) {
				t.Errorf("text starts %.120q, want %q", text, tt.wantPrefix)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%.400s", w, text)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(text, w) {
					t.Errorf("text has %q:\n%.400s", w, text)
				}
			}
		})
	}
}
