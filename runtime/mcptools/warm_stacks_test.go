package mcptools

import (
	"sync"
	"testing"
)

// TestWarmStacks: results come back, a panic reaches the caller, and calls
// beyond the goroutines' bound run on the caller's goroutine.
func TestWarmStacks(t *testing.T) {
	w := newWarmStacks(2)
	if got := do(w, func() int { return 7 }); got != 7 {
		t.Errorf("do = %d, want 7", got)
	}
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the panic of f", p)
			}
		}()
		do(w, func() int { panic("boom") })
	}()
	var wg sync.WaitGroup
	release := make(chan struct{})
	sums := make([]int, 8)
	for i := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[i] = do(w, func() int { <-release; return i * i })
		}()
	}
	close(release)
	wg.Wait()
	for i, s := range sums {
		if s != i*i {
			t.Errorf("call %d returned %d", i, s)
		}
	}
	w.mu.Lock()
	n := w.count
	w.mu.Unlock()
	if n > 2 {
		t.Errorf("%d goroutines, want at most 2", n)
	}
	if got := do[int](nil, func() int { return 1 }); got != 1 {
		t.Errorf("nil warmStacks: %d", got)
	}
}
