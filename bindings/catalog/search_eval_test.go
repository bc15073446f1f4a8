package catalog_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// evalCase is one line of testdata/search_eval.tsv.
type evalCase struct {
	line   int
	read   bool
	query  string
	accept []string
}

func loadSearchEval(t *testing.T) []evalCase {
	t.Helper()
	f, err := os.Open("testdata/search_eval.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []evalCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || (cols[0] != "read" && cols[0] != "write") {
			t.Fatalf("search_eval.tsv:%d: want intent<TAB>query<TAB>names, intent read or write; got %q", n, line)
		}
		cases = append(cases, evalCase{line: n, read: cols[0] == "read", query: cols[1], accept: strings.Split(cols[2], ",")})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestSearchEvaluation measures Catalog.Search over the evaluation set: the
// share of queries whose first hit is an accepted function (top-1), whose first
// three hits include one (top-3), and read-intent queries whose first hit is a
// write or destructive function. Run it with -v to print the figures and the
// misses.
func TestSearchEvaluation(t *testing.T) {
	const (
		wantTop1 = 0.70
		wantTop3 = 0.90
	)
	cat := catalog.Default()
	cases := loadSearchEval(t)
	if len(cases) < 60 {
		t.Fatalf("evaluation set has %d queries, want at least 60", len(cases))
	}
	var top1, top3, violations int
	for _, c := range cases {
		for _, name := range c.accept {
			if _, err := cat.Lookup(name); err != nil {
				t.Fatalf("search_eval.tsv:%d: %v", c.line, err)
			}
		}
		hits := cat.Search(c.query, 3)
		var names []string
		for _, h := range hits {
			names = append(names, h.Op.Name)
		}
		rank := slices.IndexFunc(names, func(n string) bool { return slices.Contains(c.accept, n) })
		switch {
		case rank == 0:
			top1++
			top3++
		case rank > 0:
			top3++
			t.Logf("top-3 only: %q -> %v (want %s)", c.query, names, strings.Join(c.accept, " or "))
		default:
			t.Logf("miss:       %q -> %v (want %s)", c.query, names, strings.Join(c.accept, " or "))
		}
		if c.read && len(hits) > 0 && hits[0].Op.Access != catalog.Read {
			violations++
			t.Errorf("read-intent query %q ranks %s (%s) first", c.query, hits[0].Op.Name, hits[0].Op.Access)
		}
	}
	n := float64(len(cases))
	t.Logf("search evaluation: %d queries, top-1 %.1f%% (%d), top-3 %.1f%% (%d), read-intent queries with a write first: %d",
		len(cases), 100*float64(top1)/n, top1, 100*float64(top3)/n, top3, violations)
	if float64(top1)/n < wantTop1 {
		t.Errorf("top-1 is %.1f%%, want at least %.0f%%", 100*float64(top1)/n, 100*wantTop1)
	}
	if float64(top3)/n < wantTop3 {
		t.Errorf("top-3 is %.1f%%, want at least %.0f%%", 100*float64(top3)/n, 100*wantTop3)
	}
}
