package mcptools

import (
	"sync"
	"time"
)

// warmStacks runs tool calls on a few long-lived goroutines. The SDK serves
// each request on a new goroutine, whose stack a call (the SDK's
// middleware, the runtime, the HTTP client and, with --emulate, the
// emulator's schema walk) grows by copying it several times over; on a
// goroutine that served calls before, the stack is already grown. The zero
// value (and nil) runs calls on the caller's goroutine.
type warmStacks struct {
	jobs  chan func()
	mu    sync.Mutex
	count int // goroutines started and not yet ended
	max   int
}

// warmIdle is how long an idle goroutine waits before it ends.
const warmIdle = 30 * time.Second

func newWarmStacks(max int) *warmStacks {
	return &warmStacks{jobs: make(chan func()), max: max}
}

// do runs f on a warm goroutine, starting one when none is idle and fewer
// than max run, else on the caller's goroutine. A panic in f is raised
// again in the caller.
func do[T any](w *warmStacks, f func() T) T {
	if w == nil || w.max == 0 {
		return f()
	}
	var (
		out      T
		panicked any
	)
	done := make(chan struct{})
	job := func() {
		defer close(done)
		defer func() { panicked = recover() }()
		out = f()
	}
	select {
	case w.jobs <- job:
	default:
		if !w.start(job) {
			return f()
		}
	}
	<-done
	if panicked != nil {
		panic(panicked)
	}
	return out
}

// start starts a goroutine that runs job and then waits for more.
func (w *warmStacks) start(job func()) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count >= w.max {
		return false
	}
	w.count++
	go w.loop(job)
	return true
}

func (w *warmStacks) loop(job func()) {
	timer := time.NewTimer(warmIdle)
	defer timer.Stop()
	for {
		job()
		timer.Reset(warmIdle)
		select {
		case job = <-w.jobs:
		case <-timer.C:
			w.mu.Lock()
			w.count--
			w.mu.Unlock()
			return
		}
	}
}
