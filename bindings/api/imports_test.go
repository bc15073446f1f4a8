package api

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoLuaInTheExecutor keeps this package free of the Lua VM (gopher-lua and
// the lua/ packages, except lua/syntax, the lexical rules its hints use to
// write Lua) and the only importer of go-retryablehttp.
func TestNoLuaInTheExecutor(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "gopher-lua") || (strings.HasPrefix(dep, "github.com/kosmo-lua/kosmo-lua/lua/") && dep != "github.com/kosmo-lua/kosmo-lua/lua/syntax") {
			t.Errorf("bindings/api depends on %s", dep)
		}
	}
	out, err = exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/kosmo-lua/kosmo-lua/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if pkg != "github.com/kosmo-lua/kosmo-lua/bindings/api" && strings.Contains(imports, "go-retryablehttp") {
			t.Errorf("%s imports go-retryablehttp; only bindings/api may", pkg)
		}
	}
}
