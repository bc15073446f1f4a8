package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// Session keeps one sandboxed Lua state across several inputs, for a REPL:
// globals defined by one input are visible to the next. Each input gets the
// runtime's limits on its own (time, calls, output); memory is measured from the
// session's start. A limit, or canceling an input's context, ends the state: the
// session then starts afresh on its next input and Restarted reports it.
// A Session is not safe for concurrent use; Close it when done.
type Session struct {
	rt *Runtime

	mu        sync.Mutex
	sb        *sandbox.Sandbox
	st        *run
	cancel    context.CancelFunc
	restarted bool
	closed    bool
}

// NewSession starts a session.
func (r *Runtime) NewSession() (*Session, error) {
	s := &Session{rt: r}
	if err := s.start(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Session) start() error {
	ctx, cancel := context.WithCancel(context.Background())
	limits := s.rt.effectiveLimits(nil)
	sb, st, err := s.rt.newSandbox(ctx, limits)
	if err != nil {
		cancel()
		return err
	}
	s.sb, s.st, s.cancel = sb, st, cancel
	return nil
}

func (s *Session) stop() {
	if s.sb != nil {
		s.sb.Close()
		s.cancel()
		s.sb, s.st = nil, nil
	}
}

// Run runs one input in the session's state and returns its envelope. Limits in
// in.Limits tighten the runtime's for this input only.
func (s *Session) Run(ctx context.Context, in Script) (*Result, error) {
	if ctx == nil {
		return nil, errors.New("runtime: Session.Run needs a non-nil context")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("runtime: the session is closed")
	}
	s.restarted = false
	if s.sb == nil || s.sb.Err() != nil {
		s.stop()
		if err := s.start(); err != nil {
			return nil, err
		}
		s.restarted = true
	}
	start := time.Now()
	res := newResult()
	if ctx.Err() != nil {
		// Canceled before it started: run nothing, keep the state.
		return s.rt.finish(res, start, nil, &ErrorInfo{Kind: KindCanceled, Message: "the input was canceled before it started"}), nil
	}
	name, proto, info := s.rt.compile(in)
	if info != nil {
		return s.rt.finish(res, start, nil, info), nil
	}
	limits := s.rt.effectiveLimits(in.Limits)
	st := s.st
	st.mu.Lock()
	st.limits, st.calls, st.started, st.effects, st.onCall = limits, nil, 0, false, in.OnCall
	st.mu.Unlock()

	// The state outlives this input, so its deadline and cancellation are
	// enforced by aborting the sandbox, which ends the state.
	sb := s.sb
	timedOut := make(chan struct{})
	timer := time.AfterFunc(limits.Timeout, func() {
		defer close(timedOut)
		sb.Abort(&sandbox.LimitError{Kind: sandbox.KindTimeout, Message: fmt.Sprintf("the input ran past its time limit of %v; do less per input", limits.Timeout)})
	})
	canceled := make(chan struct{})
	stopWatch := context.AfterFunc(ctx, func() {
		defer close(canceled)
		sb.Abort(&sandbox.LimitError{Kind: KindCanceled, Message: "the input was canceled by its caller"})
	})
	res = s.rt.execute(ctx, st, name, proto, in.Args, res, start, len(sb.Logs()))
	// A deadline or cancellation that fired as the input finished has aborted
	// (or is aborting) this state: wait for it, so it cannot land on the next
	// input; the next Run then starts afresh and Restarted says so.
	if !timer.Stop() {
		<-timedOut
	}
	if !stopWatch() {
		<-canceled
	}
	return res, nil
}

// Restarted reports whether the last Run started a fresh state because a limit
// or a cancellation had ended the previous one (its globals are gone).
func (s *Session) Restarted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarted
}

// Reset discards the session's globals and starts a fresh state.
func (s *Session) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop()
	return s.start()
}

// Close releases the session's state. It is idempotent.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop()
	s.closed = true
}
