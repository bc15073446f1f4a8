// Command genseed writes bindings/emulator/default_seed_gen.go, the built-in
// seed (default_seed.yaml) as Go values, so that starting an emulator parses
// no YAML. Run it through `go generate ./bindings/emulator`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator/internal/seedgen"
)

func main() {
	in := flag.String("in", "default_seed.yaml", "the seed to render")
	out := flag.String("out", "default_seed_gen.go", "the Go file to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genseed:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	seed, err := emulator.LoadSeed(in)
	if err != nil {
		return err
	}
	src, err := seedgen.Render(seed)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
