package emulator_test

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
)

// TestCatalogExamplesNameSeedObjects keeps the catalog's example values (which
// the catalog cannot take from this package) in step with the default seed:
// every id, slug and external id they use is a value in default_seed.yaml.
func TestCatalogExamplesNameSeedObjects(t *testing.T) {
	data, err := json.Marshal(emulator.DefaultSeed())
	if err != nil {
		t.Fatal(err)
	}
	var seed any
	if err := json.Unmarshal(data, &seed); err != nil {
		t.Fatal(err)
	}
	values := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			values[t] = true
		case []any:
			for _, x := range t {
				walk(x)
			}
		case map[string]any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(seed)
	for prefix, id := range catalog.SeedExampleIDs() {
		if !values[id] {
			t.Errorf("SeedExampleIDs[%q] = %q is not in the default seed", prefix, id)
		}
	}
	for op, args := range catalog.SeedExampleArgs() {
		for key, v := range args {
			if s, ok := v.(string); ok && !values[s] {
				t.Errorf("SeedExampleArgs[%q][%q] = %q is not in the default seed", op, key, s)
			}
		}
	}
	seedID := regexp.MustCompile(`"((?:org|user|om|group|directory|conn)_01[0-9A-Z]+)"`)
	for op, s := range catalog.ExampleSetups() {
		for _, m := range seedID.FindAllStringSubmatch(s.Lua, -1) {
			if !values[m[1]] {
				t.Errorf("ExampleSetups[%q] uses %s, which is not in the default seed", op, m[1])
			}
		}
	}
}
