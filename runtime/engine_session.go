package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// localSession is one sandbox kept across the inputs of a session, in the
// engine's process. Each input gets its own deadline; memory is measured from
// the session's start. A limit ends the state, and the next input starts
// afresh; a cancellation stops the input and keeps the state.
type localSession struct {
	e      *engine
	caller workos.Caller
	sb     *sandbox.Sandbox
	cancel context.CancelFunc
}

func newLocalSession(e *engine, caller workos.Caller) *localSession {
	return &localSession{e: e, caller: caller}
}

// start builds the state for inputs whose limits are j's.
func (s *localSession) start(j *job) error {
	ctx, cancel := context.WithCancel(context.Background())
	sb, err := s.e.newSandbox(ctx, j, s.caller)
	if err != nil {
		cancel()
		return err
	}
	s.sb, s.cancel = sb, cancel
	return nil
}

func (s *localSession) close() {
	if s.sb != nil {
		s.sb.Close()
		s.cancel()
		s.sb = nil
	}
}

// run runs one input; restarted reports that it ran in a fresh state because
// the previous input ended the old one.
func (s *localSession) run(ctx context.Context, j *job) (rep *report, restarted bool) {
	if s.sb != nil && s.sb.Err() != nil {
		s.close()
		restarted = true
	}
	if s.sb == nil {
		if err := s.start(j); err != nil {
			return failed(&ErrorInfo{Kind: KindRuntime, Message: err.Error()}), restarted
		}
	}
	if ctx.Err() != nil {
		// Canceled before it started: run nothing, keep the state.
		return failed(&ErrorInfo{Kind: KindCanceled, Message: "the input was canceled before it started"}), restarted
	}
	proto, info := s.e.compile(j)
	if info != nil {
		return failed(info), restarted
	}
	// The state outlives this input, so its deadline is enforced by aborting
	// the sandbox, which ends the state.
	sb := s.sb
	timedOut := make(chan struct{})
	timer := time.AfterFunc(j.Limits.Timeout, func() {
		defer close(timedOut)
		sb.Abort(&sandbox.LimitError{Kind: sandbox.KindTimeout, Message: fmt.Sprintf("the input ran past its time limit of %v; do less per input", j.Limits.Timeout)})
	})
	// A cancellation (the REPL's Ctrl-C) stops only this input: the state
	// stays for the next one.
	sb.BeginInput()
	defer sb.EndInput()
	canceled := make(chan struct{})
	stopWatch := context.AfterFunc(ctx, func() {
		defer close(canceled)
		sb.Interrupt(&sandbox.LimitError{Kind: KindCanceled, Message: "the input was canceled by its caller; the session's state is kept"})
	})
	rep = s.e.execute(ctx, sb, j, proto, len(sb.Logs()))
	// A deadline or cancellation that fired as the input finished has aborted
	// (or is aborting) this state: wait for it, so it cannot land on the next
	// input; the next run then starts afresh and says so.
	if !timer.Stop() {
		<-timedOut
	}
	if !stopWatch() {
		<-canceled
	}
	return rep, restarted
}
