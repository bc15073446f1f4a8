package emulator_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator/internal/seedgen"
)

// TestDefaultSeedIsTheYAML: the seed compiled into the emulator is exactly
// default_seed.yaml, and default_seed_gen.go is what genseed writes for it.
func TestDefaultSeedIsTheYAML(t *testing.T) {
	want, err := emulator.LoadSeed("default_seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, emulator.DefaultSeed()); diff != "" {
		t.Errorf("DefaultSeed differs from default_seed.yaml (-yaml +go); run `go generate ./bindings/emulator`:\n%s", diff)
	}
	src, err := seedgen.Render(want)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("default_seed_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, committed) {
		t.Error("default_seed_gen.go is stale: run `go generate ./bindings/emulator`")
	}
	a, b := emulator.DefaultSeed(), emulator.DefaultSeed()
	a.Organizations[0]["name"] = "changed"
	if b.Organizations[0]["name"] == "changed" {
		t.Error("DefaultSeed returns shared values; each call must return a fresh copy")
	}
}
