package sandbox

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// A sandbox may outlive the chunks it runs (a REPL session keeps its state
// between inputs). An input is one such chunk: between BeginInput and
// EndInput, Interrupt stops it the way a limit would (the script's pcall
// cannot catch it, Classify reports it) while the state stays usable for the
// next input. Abort and the limits still end the state.
//
// The inputs share one scope, a child of the sandbox's context, until an
// input is interrupted; the next input then gets a fresh scope. Coroutines
// the script keeps are bound to the scope they were created in, so a
// coroutine that outlives an interrupted input fails when it is resumed.

// inputScope is the context the inputs run in.
type inputScope struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
}

// inputState is what a sandbox knows of its inputs.
type inputState struct {
	scope  atomic.Pointer[inputScope]
	active atomic.Bool
}

// BeginInput marks the start of an input. Call it on the goroutine that
// runs the state, before the chunk runs.
func (s *Sandbox) BeginInput() {
	if sc := s.inputs.scope.Load(); sc == nil || sc.ctx.Err() != nil {
		ctx, cancel := context.WithCancelCause(s.ctx)
		s.inputs.scope.Store(&inputScope{ctx: ctx, cancel: cancel})
		s.l.SetContext(newHookContext(ctx, s))
	}
	s.inputs.active.Store(true)
}

// EndInput marks the end of the input BeginInput started.
func (s *Sandbox) EndInput() { s.inputs.active.Store(false) }

// Interrupt stops the running input with err and keeps the state: the next
// input runs in it. It is safe from any goroutine and does nothing between
// inputs.
func (s *Sandbox) Interrupt(err *LimitError) {
	if err == nil || err.Kind == "" {
		err = &LimitError{Kind: KindCallLimit, Message: "input interrupted by the host"}
	}
	if !s.inputs.active.Load() {
		return
	}
	if sc := s.inputs.scope.Load(); sc != nil {
		sc.cancel(err)
	}
}

// interrupted returns the error that stopped the running input, or nil.
func (s *Sandbox) interrupted() error {
	if !s.inputs.active.Load() {
		return nil
	}
	sc := s.inputs.scope.Load()
	if sc == nil || sc.ctx.Err() == nil || s.ctx.Err() != nil {
		return nil
	}
	cause := context.Cause(sc.ctx)
	var le *LimitError
	if errors.As(cause, &le) {
		return le
	}
	return cause
}

// current is the context the running code is bounded by: the inputs'
// scope once there are inputs, else the sandbox's own.
func (s *Sandbox) current() context.Context {
	if sc := s.inputs.scope.Load(); sc != nil {
		return sc.ctx
	}
	return s.ctx
}

// liveContext is [Sandbox.current] at the time of each call, for modules
// that keep a context from the sandbox's start (regex).
type liveContext struct{ s *Sandbox }

func (c liveContext) Deadline() (time.Time, bool) { return c.s.current().Deadline() }
func (c liveContext) Done() <-chan struct{}       { return c.s.current().Done() }
func (c liveContext) Err() error                  { return c.s.current().Err() }
func (c liveContext) Value(key any) any           { return c.s.current().Value(key) }
