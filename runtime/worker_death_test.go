package runtime

import (
	"testing"
	"time"
)

// TestDeathReportKinds: how a worker's death is reported, from its stderr
// and whether a data limit was in force.
func TestDeathReportKinds(t *testing.T) {
	tests := []struct {
		name      string
		stderr    string
		dataLimit int64
		want      string
	}{
		{"allocation failed", "fatal error: out of memory\n\ngoroutine 1 [running]:\n", 200 << 20, KindMemoryLimit},
		{"runtime fault under the data limit", "SIGSEGV: segmentation violation\nPC=0x4a1b2c m=3 sigcode=1\n", 200 << 20, KindMemoryLimit},
		{"unexpected signal under the data limit", "fatal error: unexpected signal during runtime execution\n[signal SIGSEGV: segmentation violation]\n", 200 << 20, KindMemoryLimit},
		{"runtime fault without a data limit", "SIGSEGV: segmentation violation\nPC=0x4a1b2c m=3 sigcode=1\n", 0, KindWorkerCrashed},
		{"a Go panic is a crash", "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1]\n", 200 << 20, KindWorkerCrashed},
		{"silent death under the data limit", "", 200 << 20, KindMemoryLimit},
		{"stack overflow", "runtime: goroutine stack exceeds 1000000000-byte limit\nfatal error: stack overflow\n", 200 << 20, KindStackOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &workerProc{dead: make(chan struct{}), errs: &tailBuffer{max: stderrKeep}}
			close(p.dead)
			_, _ = p.errs.Write([]byte(tt.stderr))
			j := &job{DataLimit: tt.dataLimit}
			j.Limits.MemoryLimit = 64 << 20
			rep := p.deathReport(time.Second, j)
			if rep.Error == nil || rep.Error.Kind != tt.want {
				t.Fatalf("kind = %+v, want %s", rep.Error, tt.want)
			}
		})
	}
}
