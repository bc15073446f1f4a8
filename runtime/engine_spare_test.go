package runtime_test

import (
	"context"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestSpareSandboxIsFresh: a worker prepares each next run's sandbox ahead
// of time; nothing a run leaves behind reaches the next one, also when the
// next run's limits differ from those the sandbox was prepared for.
func TestSpareSandboxIsFresh(t *testing.T) {
	rt, _ := newRuntime(t, &runtime.Options{Isolation: runtime.IsolationProcess, WarmWorkers: 1})
	ctx := context.Background()
	for i := range 20 {
		s := runtime.Script{Source: `local seen = leaked ~= nil or string.leaked ~= nil
			leaked = true
			pcall(function() string.leaked = true end)
			return seen`}
		if i%3 == 2 {
			s.Limits = &runtime.Limits{MemoryLimit: 16 << 20}
		}
		res, err := rt.Run(ctx, s)
		if err != nil || !res.OK {
			t.Fatalf("run %d: %v %+v", i, err, res.Error)
		}
		if string(res.Result) != "false" {
			t.Fatalf("run %d saw a global of an earlier run: %s", i, res.Result)
		}
	}
}
