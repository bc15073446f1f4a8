//go:build unix

package runtime

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// TestCrashedWorkerIsClassified kills a session's worker with SIGABRT in the
// middle of an input (a Go crash, as far as the host can tell): the input
// reports worker_crashed at once, and the next input runs in a new worker.
func TestCrashedWorkerIsClassified(t *testing.T) {
	rt, err := New(&Options{APIKey: "sk_test_unused", BaseURL: "http://127.0.0.1:1", Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	s, err := rt.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pid := s.worker.pid
	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = syscall.Kill(pid, syscall.SIGABRT)
	}()
	start := time.Now()
	res, err := s.Run(context.Background(), Script{Source: `x = 1 while true do end`})
	if err != nil {
		t.Fatal(err)
	}
	if res.Error == nil || res.Error.Kind != KindWorkerCrashed || res.Outcome != OutcomeError {
		t.Fatalf("want worker_crashed, got %s %+v", res.Outcome, res.Error)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the crash was reported after %v", took)
	}
	res, err = s.Run(context.Background(), Script{Source: `return x`})
	if err != nil || !res.OK || string(res.Result) != "null" || !s.Restarted() {
		t.Fatalf("next input: %v %+v restarted=%v", err, res, s.Restarted())
	}
}
