package mcptools

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyImporterOfTheSDK keeps the MCP SDK behind this package: no other
// package of the module (tests included) imports it.
func TestOnlyImporterOfTheSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-e", "-f",
		`{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`,
		"github.com/kosmo-lua/kosmo-lua/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if pkg == "github.com/kosmo-lua/kosmo-lua/runtime/mcptools" {
			continue
		}
		if strings.Contains(imports, "github.com/modelcontextprotocol/go-sdk") {
			t.Errorf("%s imports the MCP SDK; only runtime/mcptools may", pkg)
		}
	}
}
