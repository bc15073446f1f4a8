// Command gencatalog generates bindings/catalog/catalog_gen.json from WorkOS's
// OpenAPI specification. Run it through `go generate ./...` from the repository
// with ../shared/workos beside it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog/internal/gen"
)

func main() {
	specPath := flag.String("spec", "../../../shared/workos/open-api-spec.json", "path of the OpenAPI spec in JSON form")
	out := flag.String("out", "catalog_gen.json", "JSON file to write; the Go tables are written beside it as catalog_gen.go")
	flag.Parse()
	data, err := os.ReadFile(*specPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gencatalog: read spec: %v (the spec lives in ../shared/workos beside the repository)\n", err)
		os.Exit(1)
	}
	outData, err := gen.Generate(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
	goData, err := gen.GoFile(outData)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, outData, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
	goPath := filepath.Join(filepath.Dir(*out), "catalog_gen.go")
	if err := os.WriteFile(goPath, goData, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}
