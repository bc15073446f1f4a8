package runtime

import (
	"context"
	"testing"
	"time"
)

// BenchmarkWorkerStart measures starting a worker process until it is ready
// (this test binary serves as the worker, as any program linking the package
// does), and stopping it.
func BenchmarkWorkerStart(b *testing.B) {
	spec, err := newWorkerSpec(&Options{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	var ready time.Duration
	for b.Loop() {
		start := time.Now()
		w, err := startWorker(context.Background(), spec)
		if err != nil {
			b.Fatal(err)
		}
		ready += time.Since(start)
		w.stop()
	}
	b.ReportMetric(float64(ready.Microseconds())/float64(b.N)/1000, "ms-to-ready")
}
