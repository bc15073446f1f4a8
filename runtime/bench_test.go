package runtime_test

import (
	"context"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// BenchmarkRun measures one Run of `return 1` with the workos module loaded: a
// fresh sandboxed state per run, pre-flight parse, result encoding.
// Target: ≤ 100 µs and ≤ 256 KB per run.
func BenchmarkRun(b *testing.B) {
	rt, _ := newRuntime(b, nil)
	ctx := context.Background()
	s := runtime.Script{Source: "return 1"}
	b.ReportAllocs()
	for b.Loop() {
		res, err := rt.Run(ctx, s)
		if err != nil || !res.OK {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkNewAndRun adds runtime.New (a client and a governor; the catalog is
// parsed once per process) to every iteration.
func BenchmarkNewAndRun(b *testing.B) {
	ctx := context.Background()
	s := runtime.Script{Source: "return 1"}
	b.ReportAllocs()
	for b.Loop() {
		rt, err := runtime.New(nil)
		if err != nil {
			b.Fatal(err)
		}
		res, err := rt.Run(ctx, s)
		if err != nil || !res.OK {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkRunWithCall is a run that makes one emulator call.
func BenchmarkRunWithCall(b *testing.B) {
	rt, _ := newRuntime(b, nil)
	ctx := context.Background()
	s := runtime.Script{Source: `return workos.organizations_list{limit = 1}.object`}
	b.ReportAllocs()
	for b.Loop() {
		res, err := rt.Run(ctx, s)
		if err != nil || !res.OK {
			b.Fatal(err, res)
		}
	}
}
