package catalog_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestPagesFitTheBudget: at least 95 % of function pages are at most
// PageTokenBudget tokens (bytes/4), and none is more than twice that.
func TestPagesFitTheBudget(t *testing.T) {
	ops := catalog.Default().Operations()
	sizes := make([]int, 0, len(ops))
	over := 0
	for _, op := range ops {
		n := len(op.Reference()) / 4
		sizes = append(sizes, n)
		if n > catalog.PageTokenBudget {
			over++
			t.Logf("over budget: %s: %d tokens", op.Name, n)
		}
		if n > 2*catalog.PageTokenBudget {
			t.Errorf("%s: page is %d tokens, more than twice the budget of %d", op.Name, n, catalog.PageTokenBudget)
		}
	}
	sort.Ints(sizes)
	t.Logf("page tokens over %d functions: median %d, p95 %d, max %d",
		len(sizes), sizes[len(sizes)/2], sizes[len(sizes)*95/100], sizes[len(sizes)-1])
	if over*20 > len(ops) {
		t.Errorf("%d of %d pages are over %d tokens; at most 5 %% may be", over, len(ops), catalog.PageTokenBudget)
	}
}

// TestPagesShowShapes: a page shows the nested fields a body requires and
// the fields of the result, or of each item of a list.
func TestPagesShowShapes(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		name string
		want []string
	}{
		{"organizations_create", []string{
			"| domain_data | {domain: string, state: pending\\|verified}[] | no |",
			"| external_id | string\\|null | no |",
			"HTTP 201: Organization with fields:",
			"- external_id: string|null",
			"- domains: {created_at: string, domain: string, id: string, object: \"organization_domain\"",
		}},
		{"events_list", []string{
			"each item of `data` (EventSchema), one of 111 variants",
			"- event: action.authentication.denied|",
			"- object: \"event\"",
		}},
		{"userland_user_organization_memberships_list", []string{
			"- status: active|inactive|pending",
			"- role: {slug",
			"| statuses | query | array<string> (each active\\|inactive\\|pending) | no |",
			"at least one of (user_id) or (organization_id)",
		}},
		{"organizations_find", []string{"- domains: {"}},
	}
	for _, tt := range tests {
		op, err := cat.Lookup(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		page := op.Reference()
		for _, want := range tt.want {
			if !strings.Contains(page, want) {
				t.Errorf("%s: page lacks %q:\n%s", tt.name, want, page)
			}
		}
	}
}

// TestPageTablesAreWellFormed: every row of every page's tables has as many
// cells as its header, so a "|" in a type or description is escaped.
func TestPageTablesAreWellFormed(t *testing.T) {
	cell := regexp.MustCompile(`(^|[^\\])\|`)
	for _, op := range catalog.Default().Operations() {
		cols := -1
		for _, line := range strings.Split(op.Reference(), "\n") {
			if !strings.HasPrefix(line, "|") {
				cols = -1
				continue
			}
			n := len(cell.FindAllString(line, -1))
			if cols < 0 {
				cols = n
			} else if n != cols {
				t.Errorf("%s: row has %d separators, header %d: %s", op.Name, n, cols, line)
			}
		}
	}
}

// TestPagesGolden pins three pages in full. Run with -update to rewrite them.
func TestPagesGolden(t *testing.T) {
	cat := catalog.Default()
	for _, name := range []string{"organizations_create", "events_list", "userland_user_organization_memberships_list", "userland_sessions_authenticate_0"} {
		op, err := cat.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		got := op.Reference()
		golden := filepath.Join("testdata", "pages", name+".md")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s page mismatch (-want +got):\n%s", name, diff)
		}
	}
}
