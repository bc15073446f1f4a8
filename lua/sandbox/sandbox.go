package sandbox

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Defaults used when an [Options] field is zero.
const (
	DefaultMemoryLimit   = 64 << 20
	DefaultMaxLogBytes   = 1 << 20
	DefaultCallStackSize = 200
	DefaultMaxCoroutines = 1000
)

// Kinds of [LimitError].
const (
	KindTimeout       = "timeout"
	KindMemoryLimit   = "memory_limit"
	KindCallLimit     = "call_limit"
	KindOutputLimit   = "output_limit"
	KindStackOverflow = "stack_overflow"
)

// registry sizing: the value stack starts small (cheap New and coroutines:
// 4 KiB; every example script and nearly every test script fits in 128
// slots) and may grow to registryMax slots (16 bytes each); beyond,
// "registry overflow" is raised and classified as stack_overflow.
const (
	registrySize     = 256
	registryMax      = 64 * 1024
	registryGrowStep = 4096
)

// maxArrayIndex is the value init gives lua.MaxArrayIndex (see below).
const maxArrayIndex = 1 << 22

// init bounds gopher-lua's dense array part. gopher-lua stores every
// integer key below lua.MaxArrayIndex (default 64 Mi) in the array part and
// fills the gap with nils inside one VM instruction: t[60000000] = 1
// allocated about 2 GB and ran 26 s on this project's 2-core box before any
// limit could fire. With 4 Mi, the worst single assignment allocates 64 MiB
// (one default memory limit) and larger integer keys go to the hash part.
// Arrays of more than 4 Mi elements need more than 64 MiB anyway, so no run
// within the default limits can tell the difference. This is a process-wide
// setting of gopher-lua; it only ever lowers the value.
func init() {
	if lua.MaxArrayIndex > maxArrayIndex {
		lua.MaxArrayIndex = maxArrayIndex
	}
}

// Options configure a [Sandbox]. The zero value (or a nil pointer) gives
// the defaults documented on each field.
type Options struct {
	// MemoryLimit is the memory budget of the run in bytes: the watchdog
	// ends the run with memory_limit when the heap grows past it. 0 means
	// DefaultMemoryLimit (64 MiB).
	MemoryLimit int64
	// MaxLogBytes caps the captured print output; exceeding it ends the
	// run with output_limit. 0 means DefaultMaxLogBytes (1 MiB).
	MaxLogBytes int
	// CallStackSize is the Lua call depth; overflowing it ends the run with
	// stack_overflow. 0 means DefaultCallStackSize (200).
	CallStackSize int
	// MaxStringBytes caps any single string (or JSON text) a builtin
	// creates; larger results end the run with memory_limit before they
	// are allocated. 0 means MemoryLimit/2.
	MaxStringBytes int
	// MaxCoroutines caps the coroutines created in one run; more end the
	// run with memory_limit. 0 means DefaultMaxCoroutines (1000).
	MaxCoroutines int
	// Seed seeds math.random for this run. 0 means a seed from the clock.
	Seed int64
	// Source limits the scripts [Sandbox.DoString] accepts (see
	// [CheckSource]); the zero value means the defaults of
	// [SourceLimits].
	Source SourceLimits
	// Governor is the process-wide memory governor shared by sandboxes
	// that run in parallel. Nil means a private governor for this sandbox,
	// which is exact for one run at a time but over-strict when several
	// run in parallel (see the package documentation).
	Governor *Governor
}

// LimitError reports a run ended by the host because it exceeded a limit.
// Scripts cannot catch it with pcall.
type LimitError struct {
	// Kind is one of "timeout", "memory_limit", "call_limit",
	// "output_limit" or "stack_overflow" (the Kind* constants).
	Kind string
	// Message describes the limit and how to stay within it.
	Message string
}

// Error formats the error as "sandbox: <kind>: <message>".
func (e *LimitError) Error() string {
	return "sandbox: " + e.Kind + ": " + e.Message
}

// Sandbox is one locked-down Lua state for one run. Create it with [New],
// run code with [Sandbox.DoString] or [Sandbox.PCall] (on the state from
// [Sandbox.L]) from a single goroutine, and [Sandbox.Close] it. [Sandbox.Abort], [Sandbox.Err] and
// [Sandbox.MemoryUsed] are safe from any goroutine.
type Sandbox struct {
	l      *lua.LState
	ctx    context.Context
	cancel context.CancelCauseFunc
	limit  atomic.Pointer[LimitError]

	memLimit      int64
	srcLimits     SourceLimits
	maxString     int
	maxLog        int
	maxCoroutines int
	coroutines    int

	logMu    sync.Mutex
	logs     []string
	logBytes int

	gov     *Governor
	run     *govRun
	closed  bool
	proxies map[*lua.LTable]proxyInfo
	// refuseWrite is the __newindex of the read-only proxies.
	refuseWrite *lua.LFunction
	// frameKinds caches the Go functions coroutine.yield has seen on the
	// stack (see yield.go).
	frameKinds map[uintptr]uint8
	// inputs are the chunks of a sandbox that outlives them (input.go).
	inputs inputState
}

// New creates a sandbox whose run is bounded by ctx (its deadline becomes
// the timeout) and by opts. It is [Prepare] followed by [Sandbox.Start].
func New(ctx context.Context, opts *Options) (*Sandbox, error) {
	if ctx == nil {
		return nil, errors.New("sandbox: nil context; pass context.Background() or a context with a deadline")
	}
	s, err := Prepare(opts)
	if err != nil {
		return nil, err
	}
	s.Start(ctx)
	return s, nil
}

// Prepare builds a sandbox (its Lua state and libraries) that has no run
// yet: a host may prepare the next run's sandbox while it waits for work,
// then Start it. Until Start, nothing may run in it and it does not count
// against its Governor; Close releases it either way.
func Prepare(opts *Options) (*Sandbox, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MemoryLimit < 0 || o.MaxLogBytes < 0 || o.CallStackSize < 0 || o.MaxStringBytes < 0 || o.MaxCoroutines < 0 {
		return nil, errors.New("sandbox: negative limit in Options; use 0 for the default")
	}
	if o.MemoryLimit == 0 {
		o.MemoryLimit = DefaultMemoryLimit
	}
	if o.MaxLogBytes == 0 {
		o.MaxLogBytes = DefaultMaxLogBytes
	}
	if o.CallStackSize == 0 {
		o.CallStackSize = DefaultCallStackSize
	}
	if o.MaxStringBytes == 0 {
		o.MaxStringBytes = int(min(o.MemoryLimit/2, int64(^uint(0)>>1)))
	}
	if o.MaxCoroutines == 0 {
		o.MaxCoroutines = DefaultMaxCoroutines
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	s := &Sandbox{
		memLimit:      o.MemoryLimit,
		srcLimits:     o.Source,
		maxString:     o.MaxStringBytes,
		maxLog:        o.MaxLogBytes,
		maxCoroutines: o.MaxCoroutines,
		gov:           o.Governor,
	}
	L := lua.NewState(lua.Options{
		CallStackSize:       o.CallStackSize,
		RegistrySize:        registrySize,
		RegistryMaxSize:     registryMax,
		RegistryGrowStep:    registryGrowStep,
		SkipOpenLibs:        true,
		MinimizeStackMemory: true,
	})
	s.l = L
	if err := s.openLibs(o.Seed); err != nil {
		L.Close()
		return nil, err
	}
	if s.gov == nil {
		s.gov = NewGovernor(nil)
	}
	return s, nil
}

// Start begins the run of a sandbox from [Prepare], bounded by ctx (its
// deadline becomes the timeout). Call it once, before any code runs.
func (s *Sandbox) Start(ctx context.Context) {
	s.ctx, s.cancel = context.WithCancelCause(ctx)
	s.run = s.gov.register(s)
	s.l.SetContext(newHookContext(s.ctx, s))
}

// L returns the Lua state. Use it from one goroutine only. Host modules may
// be added with L().PreloadModule before running code.
func (s *Sandbox) L() *lua.LState { return s.l }

// Context returns the run context: it is done when the run is over for any
// reason (timeout, limit, Abort, Close), and context.Cause gives the
// reason; while an input runs (BeginInput), it is the inputs' context,
// which Interrupt also ends. Host functions called from Lua should bound
// their work with it or with L().Context(), which wraps it (the wrapper's
// Done also drives the sandbox's VM hook). Always Close a sandbox: until
// then it counts against its Governor's budget.
func (s *Sandbox) Context() context.Context { return s.current() }

// Logs returns a copy of the captured print lines.
func (s *Sandbox) Logs() []string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]string(nil), s.logs...)
}

// LogBytes returns the number of bytes of captured print output.
func (s *Sandbox) LogBytes() int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.logBytes
}

// MemoryUsed returns the best estimate of the memory the run used: the
// peak heap growth the watchdog observed since New (with parallel runs on
// a shared Governor this is process-wide growth, so it over-counts).
func (s *Sandbox) MemoryUsed() int64 {
	if s.run == nil {
		return 0
	}
	return s.run.used()
}

// Abort ends the run with err, from any goroutine: the run context is
// cancelled with err as its cause, so every later Lua instruction raises
// and pcall cannot swallow it. The first abort wins. A nil err or empty
// Kind is replaced by a call_limit error.
func (s *Sandbox) Abort(err *LimitError) {
	if err == nil || err.Kind == "" {
		err = &LimitError{Kind: KindCallLimit, Message: "run aborted by the host"}
	}
	if s.limit.CompareAndSwap(nil, err) {
		s.cancel(err)
	}
}

// Err returns why the run ended early: the *LimitError (including a
// timeout from the context deadline), the cancellation cause of the parent
// context, or nil while the run may go on.
func (s *Sandbox) Err() error {
	if le := s.limit.Load(); le != nil {
		return le
	}
	if err := s.interrupted(); err != nil {
		return err
	}
	if s.ctx.Err() == nil {
		return nil
	}
	cause := context.Cause(s.ctx)
	if errors.Is(cause, context.DeadlineExceeded) {
		le := &LimitError{Kind: KindTimeout, Message: "the script ran past its time limit; do less work per run (fewer pages, smaller loops)"}
		s.limit.CompareAndSwap(nil, le)
		return s.limit.Load()
	}
	var le *LimitError
	if errors.As(cause, &le) {
		return le
	}
	if cause == errClosed {
		return nil
	}
	return cause
}

// proxyInfo describes a read-only library proxy.
type proxyInfo struct {
	name string
	real *lua.LTable
}

// errClosed is the cancellation cause Close uses; Err does not report it.
var errClosed = errors.New("sandbox: closed")

// Classify maps an error returned by running code in the sandbox (for
// example from L().DoString or L().PCall) to the error the host should
// report: the *LimitError if the run was ended by a limit (stack overflows
// are recognised here and end the run), otherwise err unchanged (typically
// a *lua.ApiError whose Object is the value the script raised).
func (s *Sandbox) Classify(err error) error {
	if err == nil {
		if e := s.Err(); e != nil {
			return e
		}
		return nil
	}
	if e := s.Err(); e != nil {
		return e
	}
	if isStackOverflow(err.Error()) {
		s.Abort(stackOverflowError())
		return s.Err()
	}
	return err
}

// DoString checks src with [CheckSource] (a rejected script gives the
// *SourceError and never reaches the parser), runs it as a chunk named
// "script" and returns [Sandbox.Classify] of the outcome. Results stay on
// the Lua stack. Hosts that load code themselves must call CheckSource
// before L().Load.
func (s *Sandbox) DoString(src string) error {
	if err := CheckSource(src, s.srcLimits); err != nil {
		return err
	}
	fn, err := s.l.Load(strings.NewReader(src), "script")
	if err != nil {
		return err
	}
	s.l.Push(fn)
	return s.PCall(0, lua.MultRet)
}

// PCall is L().PCall(nargs, nret, nil) followed by [Sandbox.Classify].
func (s *Sandbox) PCall(nargs, nret int) error {
	return s.Classify(s.l.PCall(nargs, nret, nil))
}

// Close ends the run and releases the state. If the run hit its memory
// limit, Close also runs a garbage collection so the host heap returns to
// its size before the run. Close is idempotent.
func (s *Sandbox) Close() {
	if s.closed {
		return
	}
	s.closed = true
	if s.cancel != nil { // nil: prepared, never started
		s.cancel(errClosed)
	}
	s.l.Close()
	if s.run != nil {
		s.run.used() // a last sample, so short runs report their memory too
		s.gov.deregister(s.run)
	}
	s.l = nil
	s.proxies = nil
	s.refuseWrite = nil
	if le := s.limit.Load(); le != nil && le.Kind == KindMemoryLimit {
		runtime.GC()
	}
}

func stackOverflowError() *LimitError {
	return &LimitError{Kind: KindStackOverflow, Message: "stack overflow: recursion too deep, or too many values on the stack (e.g. unpack of a huge table); use a loop or smaller batches"}
}

func isStackOverflow(msg string) bool {
	return strings.Contains(msg, "stack overflow") || strings.Contains(msg, "registry overflow")
}

// memoryError builds the memory_limit error for a builtin result that
// would exceed the string cap.
func (s *Sandbox) memoryError(what string, size float64) *LimitError {
	return &LimitError{Kind: KindMemoryLimit, Message: fmt.Sprintf("%s: resulting string too large (%.0f bytes; the limit is %d); build smaller pieces", what, size, s.maxString)}
}

// raise aborts the run with le and raises it as a Lua error in L.
func (s *Sandbox) raise(L *lua.LState, le *LimitError) {
	s.Abort(le)
	s.raiseAborted(L)
}

// raiseAborted re-raises the error that ended the run.
func (s *Sandbox) raiseAborted(L *lua.LState) {
	msg := "sandbox: run aborted"
	if e := s.Err(); e != nil {
		msg = e.Error()
	}
	L.RaiseError("%s", msg)
}

// checkSize ends the run with memory_limit if a builtin result of size
// bytes would exceed the string cap; otherwise it tallies the allocation.
func (s *Sandbox) checkSize(L *lua.LState, what string, size float64) {
	if size > float64(s.maxString) {
		s.raise(L, s.memoryError(what, size))
	}
	if s.run != nil {
		s.run.tally.Add(int64(size))
	}
}

// checkGrow raises a memory_limit error when a result of have bytes
// cannot take n more under the string size limit.
func (s *Sandbox) checkGrow(L *lua.LState, what string, have, n int) {
	if have+n > s.maxString {
		s.raise(L, s.memoryError(what, float64(have+n)))
	}
}

// ctxCheckMask sets how often builtins that loop long (pattern matching,
// table.concat, table.sort) call checkCtx: every ctxCheckMask+1 steps.
const ctxCheckMask = 1<<12 - 1

// checkCtx raises if the run is over; builtins call it in long loops.
func (s *Sandbox) checkCtx(L *lua.LState) {
	if s.current().Err() != nil {
		s.raiseAborted(L)
	}
}
