package main

import (
	"bufio"
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

// TestNoHeavyPackageInit runs `kosmo-lua version` with GODEBUG=inittrace=1
// and checks every package init against maxInitBytes.
func TestNoHeavyPackageInit(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("version: %v\n%s", err, stderr.String())
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(stderr.Bytes()))
	for sc.Scan() {
		// init <pkg> @<t> ms, <d> ms clock, <n> bytes, <m> allocs
		f := strings.Fields(sc.Text())
		if len(f) < 9 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		seen++
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("unreadable inittrace line %q", sc.Text())
		}
		if n > maxInitBytes {
			t.Errorf("package %s allocates %d bytes at init (limit %d); make that work lazy", f[1], n, maxInitBytes)
		}
	}
	if seen == 0 {
		t.Fatalf("no inittrace lines in stderr:\n%s", stderr.String())
	}
}
