package runtime_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestSessionCancelKeepsState: canceling a running input (the REPL's Ctrl-C)
// stops it, even inside the script's pcall, and the globals of earlier
// inputs are still there for the next one, in both isolations.
func TestSessionCancelKeepsState(t *testing.T) {
	for _, iso := range isolations {
		t.Run(string(iso), func(t *testing.T) {
			rt, _ := newRuntime(t, &runtime.Options{Isolation: iso, Timeout: 20 * time.Second})
			s, err := rt.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if res, _ := s.Run(context.Background(), runtime.Script{Source: `kept = 41 co = coroutine.wrap(function() coroutine.yield(1) return 2 end)`}); !res.OK {
				t.Fatal(res.Error)
			}
			for i := range 3 {
				ctx, cancel := context.WithCancel(context.Background())
				timer := time.AfterFunc(200*time.Millisecond, cancel)
				start := time.Now()
				res, _ := s.Run(ctx, runtime.Script{Source: `pcall(function() while true do end end) caught = true`})
				timer.Stop()
				cancel()
				if res.Error == nil || res.Error.Kind != runtime.KindCanceled {
					t.Fatalf("canceled input %d: %+v", i, res)
				}
				if d := time.Since(start); d > 10*time.Second {
					t.Errorf("canceled input %d took %v", i, d)
				}
				res, _ = s.Run(context.Background(), runtime.Script{Source: `kept = kept + 1 return {kept = kept, caught = caught == true}`})
				if !res.OK || s.Restarted() {
					t.Fatalf("input after cancel %d: %+v restarted=%v", i, res.Error, s.Restarted())
				}
				want := []string{`{"caught":false,"kept":42}`, `{"caught":false,"kept":43}`, `{"caught":false,"kept":44}`}[i]
				if string(res.Result) != want {
					t.Errorf("after cancel %d: %s, want %s", i, res.Result, want)
				}
			}
			// A coroutine made before the first cancel was bound to that
			// input's scope: resuming it now fails, and says so.
			res, _ := s.Run(context.Background(), runtime.Script{Source: `local ok, err = pcall(co) return {ok = ok, err = tostring(err)}`})
			if !res.OK || !strings.Contains(string(res.Result), `"ok":false`) {
				t.Errorf("resuming a coroutine of an interrupted input: %s %+v", res.Result, res.Error)
			}
			t.Logf("resuming a coroutine of an interrupted input: %s", res.Result)
		})
	}
}
