package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// maxInitBytes bounds what one package's init may allocate. Start time is a
// benchmark (BenchmarkStartup); allocation is deterministic, so this test
// catches a dependency that starts doing real work at init (as the JSON
// Schema library's meta-schema compilation did: 1.7 MB).
const maxInitBytes = 256 << 10

// packageInit is one line of GODEBUG=inittrace=1 output.
type packageInit struct {
	pkg   string
	bytes int
}

// versionInits runs `kosmo-lua version` with GODEBUG=inittrace=1 and returns
// the package inits it reports.
func versionInits(t *testing.T) []packageInit {
	t.Helper()
	cmd := exec.Command(buildBinary(t), "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("version: %v\n%s", err, stderr.String())
	}
	var inits []packageInit
	for _, line := range strings.Split(stderr.String(), "\n") {
		// init <pkg> @<t> ms, <d> ms clock, <n> bytes, <m> allocs
		f := strings.Fields(line)
		if len(f) < 9 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("unreadable inittrace line %q", line)
		}
		inits = append(inits, packageInit{pkg: f[1], bytes: n})
	}
	if len(inits) == 0 {
		t.Fatalf("no inittrace lines in stderr:\n%s", stderr.String())
	}
	return inits
}

// TestNoHeavyPackageInit checks every package init of `kosmo-lua version`
// against maxInitBytes.
func TestNoHeavyPackageInit(t *testing.T) {
	for _, in := range versionInits(t) {
		if in.bytes > maxInitBytes {
			t.Errorf("package %s allocates %d bytes at init (limit %d); make that work lazy", in.pkg, in.bytes, maxInitBytes)
		}
	}
}
