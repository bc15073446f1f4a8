package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

func TestSessionKeepsStateAcrossInputs(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	s, err := rt.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	steps := []struct{ src, want string }{
		{`orgs = workos.organizations_list{limit = 2}`, `null`},
		{`function count(t) return #t.data end`, `null`},
		{`print("n") return count(orgs)`, `2`},
		{`local x = 5 return x`, `5`},
		{`return x`, `null`}, // locals do not survive an input
	}
	for _, st := range steps {
		res, err := s.Run(ctx, runtime.Script{Source: st.src})
		if err != nil || !res.OK || string(res.Result) != st.want {
			t.Fatalf("%s: %+v %v, want %s", st.src, res, err, st.want)
		}
	}
	res, _ := s.Run(ctx, runtime.Script{Source: `print("only this") return 1`})
	if len(res.Logs) != 1 || res.Logs[0] != "only this" || len(res.Calls) != 0 {
		t.Errorf("an input's envelope carries earlier logs or calls: %+v", res)
	}
}

func TestSessionRestartsAfterALimit(t *testing.T) {
	rt, _ := newRuntime(t, &runtime.Options{MaxCalls: 2})
	s, _ := rt.NewSession()
	defer s.Close()
	ctx := context.Background()
	s.Run(ctx, runtime.Script{Source: `kept = 1`})
	// The call budget applies per input.
	for i := 0; i < 3; i++ {
		res, _ := s.Run(ctx, runtime.Script{Source: `workos.organizations_list{limit = 1} return kept`})
		if !res.OK || string(res.Result) != "1" {
			t.Fatalf("input %d: %+v", i, res.Error)
		}
	}
	start := time.Now()
	res, _ := s.Run(ctx, runtime.Script{Source: `while true do end`, Limits: &runtime.Limits{Timeout: 200 * time.Millisecond}})
	if res.Outcome != runtime.OutcomeTimeout || time.Since(start) > 3*time.Second {
		t.Fatalf("loop: %s after %v", res.Outcome, time.Since(start))
	}
	res, _ = s.Run(ctx, runtime.Script{Source: `return kept`})
	if !res.OK || string(res.Result) != "null" || !s.Restarted() {
		t.Fatalf("after a timeout the state should be fresh: %+v restarted=%v", res, s.Restarted())
	}
	res, _ = s.Run(ctx, runtime.Script{Source: `return 7`})
	if s.Restarted() || string(res.Result) != "7" {
		t.Fatalf("second input after the restart: %+v restarted=%v", res, s.Restarted())
	}
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	res, _ = s.Run(cctx, runtime.Script{Source: `while true do end`})
	if res.Error == nil || res.Error.Kind != runtime.KindCanceled {
		t.Fatalf("canceled input: %+v", res.Error)
	}
}

func TestOnCallReportsProgress(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	var seen []string
	res, _ := rt.Run(context.Background(), runtime.Script{
		Source: `workos.organizations_list{limit = 1} workos.userland_users_list_0{limit = 1}`,
		OnCall: func(c runtime.CallInfo) { seen = append(seen, c.Function) },
	})
	if !res.OK || len(seen) != 2 || seen[1] != "userland_users_list_0" {
		t.Fatalf("OnCall saw %v (%+v)", seen, res.Error)
	}
}

// TestSessionCanceledInputDoesNotHitTheNext: an input whose context is already
// canceled runs nothing and keeps the state; the next input runs normally.
func TestSessionCanceledInputDoesNotHitTheNext(t *testing.T) {
	rt, _ := newRuntime(t, nil)
	s, _ := rt.NewSession()
	defer s.Close()
	s.Run(context.Background(), runtime.Script{Source: `kept = 1`})
	for i := 0; i < 50; i++ {
		cctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, _ := s.Run(cctx, runtime.Script{Source: `return kept`})
		if res.Error == nil || res.Error.Kind != runtime.KindCanceled {
			t.Fatalf("canceled input %d: %+v", i, res)
		}
		res, _ = s.Run(context.Background(), runtime.Script{Source: `return kept`})
		if !res.OK || string(res.Result) != "1" || s.Restarted() {
			t.Fatalf("input after a canceled one (%d): %+v restarted=%v", i, res.Error, s.Restarted())
		}
	}
}

// TestLimitsOnlyLower: per-run limits lower the runtime's, never raise them.
func TestLimitsOnlyLower(t *testing.T) {
	rt, _ := newRuntime(t, &runtime.Options{Timeout: 5 * time.Second, MaxCalls: 10})
	got := rt.Limits(&runtime.Limits{Timeout: time.Second, MaxCalls: 50})
	if got.Timeout != time.Second || got.MaxCalls != 10 || got.MemoryLimit != runtime.DefaultMemoryLimit {
		t.Errorf("Limits = %+v", got)
	}
	if got := rt.Limits(nil); got.Timeout != 5*time.Second || got.MaxScriptBytes != runtime.DefaultMaxScriptBytes {
		t.Errorf("Limits(nil) = %+v", got)
	}
}
