package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// isolations are the modes the benchmarks compare: worker processes (the
// default) and in-process sandboxes (for trusted code).
var isolations = []runtime.Isolation{runtime.IsolationProcess, runtime.IsolationInProcess}

// reportPercentiles adds p50 and p99 of durations (in µs) to b's metrics.
func reportPercentiles(b *testing.B, durations []time.Duration) {
	if len(durations) == 0 {
		return
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkRun measures one Run of `return 1` with the workos module loaded:
// with process isolation a round trip to a warm worker (a fresh sandbox there,
// pre-flight, result encoding); in-process the same without the pipe.
// Budget with a warm pool on 2 cores: p50 ≤ 300 µs.
func BenchmarkRun(b *testing.B) {
	for _, iso := range isolations {
		b.Run(string(iso), func(b *testing.B) {
			rt, _ := newRuntime(b, &runtime.Options{Isolation: iso})
			ctx := context.Background()
			s := runtime.Script{Source: "return 1"}
			run(b, rt, s.Source, nil) // warm the worker
			var durations []time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				res, err := rt.Run(ctx, s)
				durations = append(durations, time.Since(start))
				if err != nil || !res.OK {
					b.Fatal(err, res)
				}
			}
			reportPercentiles(b, durations)
		})
	}
}

// BenchmarkNewAndRun adds runtime.New (a client and a governor; the catalog is
// parsed once per process) and, with process isolation, starting a worker to
// every iteration.
func BenchmarkNewAndRun(b *testing.B) {
	for _, iso := range isolations {
		b.Run(string(iso), func(b *testing.B) {
			ctx := context.Background()
			s := runtime.Script{Source: "return 1"}
			b.ReportAllocs()
			for b.Loop() {
				rt, err := runtime.New(&runtime.Options{Isolation: iso})
				if err != nil {
					b.Fatal(err)
				}
				res, err := rt.Run(ctx, s)
				if err != nil || !res.OK {
					b.Fatal(err, res)
				}
				rt.Close()
			}
		})
	}
}

// BenchmarkRunWithCall is a run that makes one emulator call, from two
// goroutines at once (the pool's workers run in parallel). Budget with process
// isolation on 2 cores: ≥ 3,000 runs/s.
func BenchmarkRunWithCall(b *testing.B) {
	for _, iso := range isolations {
		b.Run(string(iso), func(b *testing.B) {
			rt, _ := newRuntime(b, &runtime.Options{Isolation: iso, WarmWorkers: 2})
			ctx := context.Background()
			s := runtime.Script{Source: `return workos.organizations_list{limit = 1}.object`}
			run(b, rt, s.Source, nil)
			b.ReportAllocs()
			b.SetParallelism(1) // GOMAXPROCS goroutines: 2 on the reference box
			start := time.Now()
			var n atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					res, err := rt.Run(ctx, s)
					if err != nil || !res.OK {
						b.Error(err, res)
						return
					}
					n.Add(1)
				}
			})
			b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "runs/s")
		})
	}
}

// BenchmarkBrokerCall measures what one workos call costs through the worker's
// broker: a script makes 100 calls to a loopback HTTP server, run alternately
// with process isolation and in-process, and the difference per call is
// reported as broker-µs/call. Budget: ≤ 40 µs.
func BenchmarkBrokerCall(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"organization","id":"org_1","name":"Acme"}`)
	}))
	defer srv.Close()
	const calls = 100
	src := fmt.Sprintf(`local n = 0 for i = 1, %d do n = n + #workos.organizations_find{id = "org_1"}.name end return n`, calls)
	rts := map[runtime.Isolation]*runtime.Runtime{}
	for _, iso := range isolations {
		rt, err := runtime.New(&runtime.Options{Isolation: iso, APIKey: "sk_test_bench", BaseURL: srv.URL, MaxCalls: calls})
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close()
		rts[iso] = rt
	}
	ctx := context.Background()
	spent := map[runtime.Isolation]time.Duration{}
	b.ResetTimer()
	for b.Loop() {
		for _, iso := range isolations {
			start := time.Now()
			res, err := rts[iso].Run(ctx, runtime.Script{Source: src})
			spent[iso] += time.Since(start)
			if err != nil || !res.OK {
				b.Fatal(err, res.Error)
			}
		}
	}
	perCall := func(iso runtime.Isolation) float64 {
		return float64(spent[iso].Microseconds()) / float64(b.N*calls)
	}
	b.ReportMetric(perCall(runtime.IsolationProcess), "process-µs/call")
	b.ReportMetric(perCall(runtime.IsolationInProcess), "in-process-µs/call")
	b.ReportMetric(perCall(runtime.IsolationProcess)-perCall(runtime.IsolationInProcess), "broker-µs/call")
}
