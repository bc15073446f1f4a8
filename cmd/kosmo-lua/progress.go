package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// Progress of a long run: when stderr is a terminal, a run still going after
// progressDelay shows one status line there (elapsed time, calls so far, the
// last function), redrawn every progressTick and erased when the run ends,
// so that the result and the logs print on a clean line. Never when stderr
// is not a terminal, and not with -v, whose log lines would break it.

const (
	progressDelay = time.Second
	progressTick  = 250 * time.Millisecond
	// eraseLine returns to the start of the line and clears it.
	eraseLine = "\r\x1b[K"
)

// progress is the status line of one run.
type progress struct {
	w     io.Writer
	start time.Time
	stopc chan struct{}
	done  chan struct{}

	mu     sync.Mutex
	calls  int
	last   string
	shown  bool
	closed bool
	held   int // approvals asking now: the prompt owns the line
}

// startProgress starts the status line of a run, or returns nil when it
// must not show (stderr not a terminal, or verbose logs on).
func startProgress(ios *IOStreams, verbose bool, delay time.Duration) *progress {
	if !ios.IsStderrTTY() || verbose {
		return nil
	}
	p := &progress{w: ios.ErrOut, start: time.Now(), stopc: make(chan struct{}), done: make(chan struct{})}
	go p.loop(delay)
	return p
}

// loop draws the line after delay, then every tick, until stop.
func (p *progress) loop(delay time.Duration) {
	defer close(p.done)
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-p.stopc:
		return
	case <-timer.C:
	}
	tick := time.NewTicker(progressTick)
	defer tick.Stop()
	for {
		p.draw()
		select {
		case <-p.stopc:
			return
		case <-tick.C:
		}
	}
}

// draw writes the current status line.
func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.held > 0 {
		return
	}
	line := fmt.Sprintf("running %.1fs, %d %s", time.Since(p.start).Seconds(), p.calls, plural(p.calls, "call", "calls"))
	if p.last != "" {
		line += ", last workos." + p.last
	}
	fmt.Fprint(p.w, eraseLine+line)
	p.shown = true
}

// onCall counts a finished call (Script.OnCall); nil-safe.
func (p *progress) onCall(ci runtime.CallInfo) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.calls++
	p.last = ci.Function
	p.mu.Unlock()
}

// callHook is onCall as a Script.OnCall, nil without a status line.
func (p *progress) callHook() func(runtime.CallInfo) {
	if p == nil {
		return nil
	}
	return p.onCall
}

// stop ends the status line and erases it if it was shown; nil-safe.
func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.stopc)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.shown {
		fmt.Fprint(p.w, eraseLine)
	}
}

// pausedWhile wraps a terminal approver so the status line is erased while
// it asks and comes back after the answer; nil-safe (a without a line).
func (p *progress) pausedWhile(a runtime.Approver) runtime.Approver {
	if p == nil {
		return a
	}
	return runtime.ApproverFunc(func(ctx context.Context, w runtime.PendingWrite) (runtime.Approval, error) {
		p.mu.Lock()
		p.held++
		if p.shown {
			fmt.Fprint(p.w, eraseLine)
			p.shown = false
		}
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.held--
			p.mu.Unlock()
		}()
		return a.Approve(ctx, w)
	})
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// progress starts a run's status line on the Factory's stderr: none when
// stderr is not a terminal or logs are on (-v, KOSMO_LUA_LOG).
func (f *Factory) progress() *progress {
	_, logging, _ := f.logLevel()
	return startProgress(f.IOStreams, logging, progressDelay)
}
