package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGlobalsMatchGolden: Globals lists exactly the names and library
// members testdata/globals.golden pins.
func TestGlobalsMatchGolden(t *testing.T) {
	gs, err := Globals()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range gs {
		got = append(got, g.Name)
		for _, m := range g.Members {
			got = append(got, g.Name+"."+m)
		}
	}
	slices.Sort(got)
	raw, err := os.ReadFile(filepath.Join("testdata", "globals.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		name, _, _ := strings.Cut(line, " ")
		want = append(want, name)
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Globals differs from testdata/globals.golden (-want +got):\n%s", diff)
	}
}
