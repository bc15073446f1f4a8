package runtime

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Session keeps one sandboxed Lua state across several inputs, for a REPL:
// globals defined by one input are visible to the next. With process
// isolation the state lives in a worker process the session owns. Each input
// gets the runtime's limits on its own (time, calls, output); memory is
// measured from the session's start. Canceling an input's context stops that
// input and keeps the state. A limit ends the state (as does a cancellation
// the worker does not answer in time, which kills it): the session then
// starts afresh on its next input and Restarted reports it.
// A Session is not safe for concurrent use; Close it when done.
type Session struct {
	rt *Runtime

	mu        sync.Mutex
	led       *ledger
	local     *localSession // in-process
	worker    *workerProc   // process isolation; nil until the first input or after a kill
	restarted bool
	closed    bool
}

// NewSession starts a session.
func (r *Runtime) NewSession() (*Session, error) {
	if r.closed.Load() {
		return nil, errPoolClosed
	}
	s := &Session{rt: r, led: newLedger(r, r.effectiveLimits(nil), nil)}
	if r.engine != nil {
		s.local = newLocalSession(r.engine, s.led)
		return s, nil
	}
	w, err := startWorker(context.Background(), r.spec)
	if err != nil {
		return nil, err
	}
	s.worker = w
	return s, nil
}

// Run runs one input in the session's state and returns its envelope. Limits in
// in.Limits tighten the runtime's for this input only.
func (s *Session) Run(ctx context.Context, in Script) (*Result, error) {
	res, err := s.runInput(ctx, in)
	if err == nil {
		s.rt.journal(ctx, JournalEntry{Kind: "run", Script: scriptName(in), ScriptDigest: digestOf([]byte(in.Source)), Outcome: res.Outcome, Writes: s.led.currentGate().journalWrites()})
	}
	return res, err
}

// runInput runs one input; see Run.
func (s *Session) runInput(ctx context.Context, in Script) (*Result, error) {
	if ctx == nil {
		return nil, errors.New("runtime: Session.Run needs a non-nil context")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("runtime: the session is closed")
	}
	s.restarted = false
	start := time.Now()
	limits := s.rt.effectiveLimits(in.Limits)
	s.led.reset(limits, in.OnCall)
	j, info := s.rt.newJob(in, limits)
	if info != nil {
		return s.rt.finish(start, s.led, failed(info)), nil
	}
	if s.local != nil {
		rep, restarted := s.local.run(ctx, j)
		s.restarted = restarted
		return s.rt.finish(start, s.led, rep), nil
	}
	if s.worker == nil || !s.worker.alive() {
		if s.worker != nil {
			s.worker.stop()
		}
		w, err := startWorker(ctx, s.rt.spec)
		if err != nil {
			return nil, err
		}
		s.worker, s.restarted = w, true
	}
	if ctx.Err() != nil {
		// Canceled before it started: run nothing, keep the state.
		return s.rt.finish(start, s.led, failed(&ErrorInfo{Kind: KindCanceled, Message: "the input was canceled before it started"})), nil
	}
	runCtx, cancel := context.WithTimeout(ctx, limits.Timeout)
	defer cancel()
	rep, restarted := s.worker.runJob(runCtx, j, s.led, true)
	s.restarted = s.restarted || restarted
	return s.rt.finish(start, s.led, rep), nil
}

// Restarted reports whether the last Run started a fresh state because a limit
// (or a worker that had to be killed) had ended the previous one (its globals
// are gone).
func (s *Session) Restarted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarted
}

// Reset discards the session's globals and starts a fresh state.
func (s *Session) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.local != nil {
		s.local.close()
		return nil
	}
	if s.worker != nil {
		s.worker.stop()
		s.worker = nil
	}
	return nil
}

// Close releases the session's state (and its worker). It is idempotent.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.local != nil {
		s.local.close()
	}
	if s.worker != nil {
		s.worker.stop()
		s.worker = nil
	}
	s.closed = true
}
