package mcptools

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	goruntime "runtime"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/docpages"
)

// server holds what the tool handlers of one [mcp.Server] share. Everything is
// read-only after NewServer except the semaphore channel.
type server struct {
	rt   *runtime.Runtime
	opts Options
	log  *slog.Logger
	docs *docs
	sem  chan struct{} // nil: no bound
	// stacks runs tool calls on goroutines whose stacks are already grown.
	stacks *warmStacks
	// tools maps per-function tool names to operations.
	tools map[string]*catalog.Operation
	// store keeps big results (nil: none); maxStored is the largest kept.
	store     *resultStore
	maxStored int
}

// NewServer returns an MCP server exposing rt as tools (see the package
// documentation). rt must not be nil. The server can serve any number of
// sessions at once, over any transport (see [ServeStdio] and [HTTPHandler]).
//
// Only functions that rt's policy allows are exposed or documented, and nothing
// a client sends can widen that policy or raise rt's limits.
func NewServer(rt *runtime.Runtime, opts *Options) *mcp.Server {
	if rt == nil {
		panic("mcptools: nil Runtime")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	// The parsers fill in the defaults of empty choices.
	var err error
	if o.Tools, err = ParseMode(string(o.Tools)); err != nil {
		panic(err.Error())
	}
	if o.MaxResultBytes <= 0 {
		o.MaxResultBytes = DefaultMaxResultBytes
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = DefaultProgressInterval
	}
	if o.MaxConcurrent == 0 {
		o.MaxConcurrent = DefaultMaxConcurrent
	}
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.ResultTTL <= 0 {
		o.ResultTTL = DefaultResultTTL
	}
	if o.ResultStoreBytes == 0 {
		o.ResultStoreBytes = DefaultResultStoreBytes
	}
	if o.ResultFormat, err = ParseResultFormat(string(o.ResultFormat)); err != nil {
		panic(err.Error())
	}
	if o.ResultLinks, err = ParseLinkMode(string(o.ResultLinks)); err != nil {
		panic(err.Error())
	}
	if o.Version == "" {
		o.Version = DefaultVersion
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	allowed := rt.Functions()
	ro := rt.Options()
	// The result cap only tightens the runtime's own.
	if ro.MaxOutputBytes > 0 && ro.MaxOutputBytes < o.MaxResultBytes {
		o.MaxResultBytes = ro.MaxOutputBytes
	}
	s := &server{
		rt:     rt,
		opts:   o,
		log:    log,
		stacks: newWarmStacks(goruntime.GOMAXPROCS(0) * 2),
		docs: newDocs(rt.Catalog(), allowed, docpages.Facts{
			Limits: map[string]string{
				"timeout":          ro.Timeout.String(),
				"memory":           fmt.Sprintf("%d MiB", ro.MemoryLimit>>20),
				"max_calls":        fmt.Sprint(ro.MaxCalls),
				"max_result_bytes": fmt.Sprint(o.MaxResultBytes),
				"max_log_bytes":    fmt.Sprint(ro.MaxLogBytes),
			},
			Kinds: docKinds(),
		}),
		tools: map[string]*catalog.Operation{},
	}
	if o.MaxConcurrent > 0 {
		s.sem = make(chan struct{}, o.MaxConcurrent)
	}
	//lint:ignore SA1019 logging is deprecated from protocol 2026-07-28 on; older clients still use it
	caps := &mcp.ServerCapabilities{Logging: &mcp.LoggingCapabilities{}, Tools: &mcp.ToolCapabilities{}}
	if o.ResultStoreBytes > 0 && o.ResultLinks != LinksNever && o.Tools != ModeFunctions {
		s.store = newResultStore(o.ResultTTL, o.ResultStoreBytes)
		s.maxStored = min(cmp.Or(ro.MaxOutputBytes, runtime.DefaultMaxOutputBytes), o.ResultStoreBytes)
		caps.Resources = &mcp.ResourceCapabilities{}
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: o.Name, Title: "kosmo-lua: WorkOS via Lua", Version: o.Version},
		&mcp.ServerOptions{
			Instructions: s.instructions(),
			// The SDK logs every session start and end at info; keep warnings.
			Logger: slog.New(minLevel{log.Handler(), slog.LevelWarn}),
			// Every tools/list is one page: the list never changes and clients
			// should see all tools at once.
			PageSize: len(allowed) + 16,
			// ttlMs and cacheScope on discovery, lists and reads (2026-07-28).
			SetCacheable: setCacheable,
			// The tool list never changes; logging is offered; resources
			// when big results are stored.
			Capabilities: caps,
		})
	if s.store != nil {
		s.addResultResources(srv)
	}
	if o.Tools == ModeCode || o.Tools == ModeAll {
		s.addCodeTools(srv)
	}
	if o.Tools == ModeFunctions || o.Tools == ModeAll {
		s.addFunctionTools(srv, allowed)
		if n := len(s.tools); n > ClientToolLimit {
			log.Warn("many tools: clients may refuse or truncate the list; narrow it with Allow/Deny globs (--allow 'organizations_*') or use code mode",
				"tools", n, "limit", ClientToolLimit)
		}
	}
	srv.AddReceivingMiddleware(continueTrace) // tracecontext.go
	return srv
}

// instructions are sent to clients at initialize; keep them short.
func (s *server) instructions() string {
	var b strings.Builder
	b.WriteString("WorkOS API through sandboxed Lua scripts.")
	if s.opts.Tools != ModeFunctions {
		b.WriteString(" Find functions with lua_search_docs or lua_list_docs, check one with lua_read_doc, then run a single execute_lua script that does the whole job and returns only what you need.")
	}
	if s.opts.Tools != ModeCode {
		b.WriteString(" Each workos_* tool calls one WorkOS function.")
	}
	if s.docs.readOnly && s.docs.hidden > 0 {
		b.WriteString(" This server is read-only: write functions are refused.")
	}
	if names := s.rt.AccountNames(); len(names) > 1 {
		fmt.Fprintf(&b, " Accounts: %s (the first is the default).", strings.Join(names, ", "))
		if s.opts.Tools != ModeFunctions {
			b.WriteString(" In Lua, workos.<account>.<fn> calls a named account.")
		}
		if s.opts.Tools != ModeCode {
			fmt.Fprintf(&b, " A workos_* tool takes %q to choose one.", AccountArgument)
		}
	}
	return b.String()
}

// call runs fn as one tool call: it waits for a concurrency slot, sends
// progress notifications while fn runs (when the client sent a progress token),
// and logs the outcome to the server log and to the client. calls, when not
// nil, counts the WorkOS calls fn makes; the notifications report it.
//
// It returns an error only when wait was canceled before fn could start; a
// deadline that passes in the queue is fn's to report.
//
// wait bounds the wait for a free slot (a run's deadline); ctx is the
// request's, for the heartbeat and the log message.
func (s *server) call(ctx, wait context.Context, req *mcp.CallToolRequest, tool string, calls *callProgress, fn func(context.Context) (outcome string, calls int)) error {
	start := time.Now()
	if s.sem != nil {
		select {
		case s.sem <- struct{}{}:
			defer func() { <-s.sem }()
		case <-wait.Done():
			if !errors.Is(wait.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("mcptools: %s was cancelled while waiting for a free slot (%d calls already running)", tool, cap(s.sem))
			}
			// The call's time ran out in the queue: fn reports that as the
			// call's own timeout, in a normal result.
		}
	}
	stop := s.heartbeat(ctx, req, tool, start, calls)
	type ran struct {
		outcome string
		calls   int
	}
	r := do(s.stacks, func() ran { o, n := fn(ctx); return ran{o, n} })
	outcome, n := r.outcome, r.calls
	stop()
	elapsed := time.Since(start)
	level := slog.LevelInfo
	if outcome != string(runtime.OutcomeCompleted) {
		level = slog.LevelWarn
	}
	s.log.Log(ctx, level, "tool call", "tool", tool, "outcome", outcome, "calls", n, "duration_ms", elapsed.Milliseconds())
	if req != nil && req.Session != nil {
		//lint:ignore SA1019 logging is deprecated from protocol 2026-07-28 on; older clients still use it
		mcpLevel := mcp.LoggingLevel("info")
		if level == slog.LevelWarn {
			mcpLevel = "warning"
		}
		//lint:ignore SA1019 logging is deprecated from protocol 2026-07-28 on; older clients still use it
		_ = req.Session.Log(ctx, &mcp.LoggingMessageParams{
			Level:  mcpLevel,
			Logger: s.opts.Name,
			Data:   map[string]any{"tool": tool, "outcome": outcome, "calls": n, "duration_ms": elapsed.Milliseconds()},
		})
	}
	return nil
}

// CallProgressInterval is the shortest gap between two progress notifications
// that WorkOS calls trigger: a call sends one at once unless one was sent less
// than this long ago, in which case one follows when the gap has passed (if the
// run is still going).
const CallProgressInterval = 250 * time.Millisecond

// callProgress counts the WorkOS calls of one run for progress notifications.
// Its onCall is the run's [runtime.Script.OnCall]: it may be called from several
// goroutines at once and only records the call and wakes the sender.
type callProgress struct {
	mu   sync.Mutex
	n    int
	last string
	// kick wakes the notification sender; it holds at most one pending wake-up.
	kick chan struct{}
}

// wantsProgress reports whether the client asked for progress notifications.
func wantsProgress(req *mcp.CallToolRequest) bool {
	return req != nil && req.Session != nil && req.Params != nil && req.Params.GetProgressToken() != nil
}

// newCallProgress returns a counter for req's run, or nil when the client sent
// no progress token (then nothing needs counting).
func newCallProgress(req *mcp.CallToolRequest) *callProgress {
	if !wantsProgress(req) {
		return nil
	}
	return &callProgress{kick: make(chan struct{}, 1)}
}

// onCall records one WorkOS call; it never blocks.
func (p *callProgress) onCall(c runtime.CallInfo) {
	p.mu.Lock()
	p.n++
	p.last = c.Function
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// snapshot returns the number of calls so far and the last function called.
func (p *callProgress) snapshot() (int, string) {
	if p == nil {
		return 0, ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n, p.last
}

// progressMessage describes a running tool call.
func progressMessage(tool string, elapsed time.Duration, calls *callProgress) string {
	msg := fmt.Sprintf("%s running for %s", tool, elapsed.Round(100*time.Millisecond))
	if calls == nil {
		return msg
	}
	switch n, last := calls.snapshot(); n {
	case 0:
		return msg + "; no WorkOS calls yet"
	case 1:
		return msg + "; 1 WorkOS call so far (last: " + last + ")"
	default:
		return fmt.Sprintf("%s; %d WorkOS calls so far (last: %s)", msg, n, last)
	}
}

// heartbeat sends a progress notification every ProgressInterval, and after a
// WorkOS call (at most one per CallProgressInterval), until the returned stop
// function is called; stop waits for the sender to finish, so no notification
// follows the tool's response. The progress value is the elapsed time in
// seconds, increasing with every notification.
func (s *server) heartbeat(ctx context.Context, req *mcp.CallToolRequest, tool string, start time.Time, calls *callProgress) (stop func()) {
	if !wantsProgress(req) {
		return func() {}
	}
	token := req.Params.GetProgressToken()
	var kick <-chan struct{} // nil (never ready) without a call counter
	if calls != nil {
		kick = calls.kick
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(s.opts.ProgressInterval)
		defer t.Stop()
		// deferred fires when a call arrived too soon after the last notification.
		deferred := time.NewTimer(time.Hour)
		deferred.Stop()
		defer deferred.Stop()
		var lastSent time.Time
		lastProgress := 0.0
		send := func() {
			now := time.Now()
			elapsed := now.Sub(start)
			p := elapsed.Seconds()
			if p <= lastProgress {
				p = lastProgress + 0.001
			}
			lastSent, lastProgress = now, p
			_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{
				ProgressToken: token,
				Progress:      p,
				Message:       progressMessage(tool, elapsed, calls),
			})
		}
		pending := false
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				send()
			case <-kick:
				if pending {
					continue // the deferred notification will report this call too
				}
				if wait := CallProgressInterval - time.Since(lastSent); wait > 0 {
					pending = true
					deferred.Reset(wait)
					continue
				}
				send()
			case <-deferred.C:
				pending = false
				send()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// minLevel drops records below a level.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(a), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// ServeStdio serves srv over newline-delimited JSON-RPC on in and out until in
// ends or ctx is cancelled. out belongs to the protocol: nothing else may write
// to it. A request the client cancels gets no response.
func ServeStdio(ctx context.Context, srv *mcp.Server, in io.Reader, out io.Writer) error {
	f := newCancelFilter()
	t := &mcp.IOTransport{Reader: io.NopCloser(f.reader(in)), Writer: nopWriteCloser{f.writer(out)}}
	err := srv.Run(ctx, t)
	if err != nil && ctx.Err() != nil {
		return nil // a requested shutdown is not a failure
	}
	return err
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// ClientToolLimit is the largest tool list that common MCP clients accept in
// full (VS Code and Claude Desktop: 128; Cursor warns from 80 and Windsurf stops
// at 50). NewServer logs a warning above it.
const ClientToolLimit = 128
