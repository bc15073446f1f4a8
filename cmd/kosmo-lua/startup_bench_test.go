package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkStartup measures whole-process start of the binary, built once
// as the README installs it (CGO_ENABLED=0): each iteration execs it and
// waits for it to exit (host and worker together for run). When lua5.4 is
// installed, the same loop runs `lua5.4 -e 'return 1'` as the anchor. Run it
// with
//
//	go test -run '^$' -bench Startup ./cmd/kosmo-lua
func BenchmarkStartup(b *testing.B) {
	bin := buildStaticBinary(b)
	cases := []struct {
		name string
		argv []string
	}{
		{"version", []string{bin, "version"}},
		{"run", []string{bin, "run", "--api-key", "sk_test_unused", "-e", "return 1"}},
		{"run-emulate", []string{bin, "run", "--emulate", "-e", "return 1"}},
		{"run-emulate-onboard", []string{bin, "run", "--emulate", filepath.Join("..", "..", "examples", "onboard_organization.lua")}},
	}
	if lua, err := exec.LookPath("lua5.4"); err == nil {
		cases = append(cases, struct {
			name string
			argv []string
		}{"anchor-lua5.4", []string{lua, "-e", "return 1"}})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if out, err := exec.Command(c.argv[0], c.argv[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", c.argv, err, out)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
		})
	}
}

// buildStaticBinary builds kosmo-lua as the README installs it
// (CGO_ENABLED=0) into a temporary directory.
func buildStaticBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "kosmo-lua")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
