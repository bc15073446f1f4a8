package sandbox

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileOutcomes are the outcomes a corpus script may expect.
var hostileOutcomes = map[string]bool{
	"error": true, "timeout": true, "memory_limit": true, "output_limit": true,
	"stack_overflow": true, "completed": true,
	KindSourceTooLarge: true, KindSourceTooComplex: true,
}

// readCorpus returns a corpus script and the outcome named by its first
// line, "-- expect: <outcome>". Files ending in .gz are gzip-compressed
// (large generated sources).
func readCorpus(t *testing.T, path string) (src, want string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	if !sc.Scan() {
		t.Fatalf("%s is empty", path)
	}
	want, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "-- expect:")
	want = strings.TrimSpace(want)
	if !ok || !hostileOutcomes[want] {
		t.Fatalf("%s: first line %q must be \"-- expect: <outcome>\" with a known outcome", path, sc.Text())
	}
	return string(data), want
}

// TestHostileCorpus runs every testdata/hostile/*.lua and *.lua.gz script
// (through DoString, so CheckSource runs first) with a 2 s timeout (10 s
// for memory bombs, which may also end as timeout on a loaded machine) and
// a 32 MiB memory limit, checks its outcome class and that it ends within
// the timeout + 2 s, and that a trivial script still works afterwards
// (nothing leaked or was poisoned).
func TestHostileCorpus(t *testing.T) {
	const timeout = slowdown * 2 * time.Second
	files, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	gz, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.lua.gz"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, gz...)
	if len(files) < 40 {
		t.Fatalf("corpus has %d scripts, want at least 40", len(files))
	}
	opts := &Options{MemoryLimit: 32 << 20, MaxLogBytes: 64 << 10}
	for _, path := range files {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".gz"), ".lua")
		t.Run(name, func(t *testing.T) {
			src, want := readCorpus(t, path)
			limit := timeout
			if want == KindMemoryLimit {
				// A bomb reaches the memory limit in a fraction of a second
				// on an idle machine; a long timeout keeps it there on a
				// loaded one, and a timeout is still a right answer.
				limit = slowdown * 10 * time.Second
			}
			r := runScript(t, src, limit, opts)
			got := limitKind(r.err)
			if want == KindMemoryLimit && got == KindTimeout {
				t.Logf("outcome = timeout: the machine is too loaded to reach the memory limit within %v", limit)
			} else if got != want {
				t.Errorf("outcome = %s (%v), want %s", got, r.err, want)
			}
			if r.dur > limit+slowdown*2*time.Second {
				t.Errorf("ran %v, want at most the timeout (%v) + 2s", r.dur, limit)
			}
			check := runScript(t, `return ("abc"):upper() .. string.rep("x", 2) .. json.encode({1}) .. string.format("%d", 3) .. tostring(print ~= nil)`, timeout, opts)
			if check.err != nil || check.ret != "ABCxx[1]3true" {
				t.Errorf("trivial script after %s: ret %q err %v", name, check.ret, check.err)
			}
		})
	}
}
