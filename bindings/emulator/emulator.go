package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// DefaultAPIKey is the API key the emulator accepts when [Options.APIKeys] is empty:
// the same default as WorkOS's own emulator.
const DefaultAPIKey = "sk_test_default"

// Options configures an [Emulator]. The zero value is usable: it accepts
// [DefaultAPIKey], loads [DefaultSeed], keeps state in memory only, uses the wall
// clock and injects no faults.
type Options struct {
	// APIKeys are the accepted secret keys (Authorization: Bearer sk_...).
	// Empty: only DefaultAPIKey.
	APIKeys []string
	// Seed is the initial data. Nil: SeedFile when set, otherwise DefaultSeed().
	Seed *Seed
	// SeedFile is a JSON or YAML seed file (see [LoadSeed]). Ignored when Seed is set.
	SeedFile string
	// StateFile, when set, is loaded at start (if it exists, instead of the seed) and
	// rewritten after every change and on Close, so a stopped emulator can resume.
	StateFile string
	// Clock returns the current time. Nil: time.Now. Tests pass a fixed or stepping clock
	// for deterministic timestamps and ids.
	Clock func() time.Time
	// Faults injects latency, failures, resets, bad bodies and rate limits.
	// The zero value injects nothing.
	Faults Faults
	// Logger receives one debug line per request (method, path, status, request id;
	// never a credential). Nil: logging is discarded.
	Logger *slog.Logger
	// Catalog is the operation catalog to serve. Nil: catalog.Default().
	Catalog *catalog.Catalog
	// DeviceAutoApprove, when positive, approves every device authorization that long
	// after it was issued (by Clock), signing in the first user in the store. Zero: a
	// device code stays pending until [Emulator.ApproveDevice] or POST /_emulate/device.
	DeviceAutoApprove time.Duration
}

// Emulator is a local, stateful WorkOS API. It implements http.Handler and is safe
// for concurrent use.
type Emulator struct {
	opts       Options
	keys       map[string]bool
	clock      func() time.Time
	log        *slog.Logger
	cat        *catalog.Catalog
	router     *router
	schemas    *schemaSet
	seed       *Seed
	handlers   map[string]handler
	eventOnce  sync.Once
	reqCounter atomic.Uint64
	events     map[string]bool
	faults     *faultState

	mu    sync.RWMutex // guards store
	store *store
	saveM sync.Mutex // serialises state-file writes
}

var _ http.Handler = (*Emulator)(nil)

// New builds an emulator from opts (nil: zero Options).
func New(opts *Options) (*Emulator, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	e := &Emulator{opts: o, keys: map[string]bool{}, clock: o.Clock, log: o.Logger, cat: o.Catalog}
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.cat == nil {
		e.cat = catalog.Default()
	}
	keys := o.APIKeys
	if len(keys) == 0 {
		keys = []string{DefaultAPIKey}
	}
	for _, k := range keys {
		e.keys[k] = true
	}
	var err error
	if e.schemas, err = newSchemaSet(e.cat); err != nil {
		return nil, err
	}
	e.router = newRouter(e.cat)
	e.handlers = buildHandlers()
	switch {
	case o.Seed != nil:
		e.seed = o.Seed
	case o.SeedFile != "":
		if e.seed, err = LoadSeed(o.SeedFile); err != nil {
			return nil, err
		}
	default:
		e.seed = DefaultSeed()
	}
	e.faults = newFaultState(o.Faults)
	e.installSeedHooks()
	if o.StateFile != "" {
		st, err := loadStateFile(o.StateFile)
		if err != nil {
			return nil, err
		}
		if st != nil {
			e.store = st
			return e, nil
		}
	}
	st, err := e.seededStore()
	if err != nil {
		return nil, err
	}
	e.store = st
	return e, nil
}

func (e *Emulator) seededStore() (*store, error) {
	st := newStore()
	if err := e.applySeed(st, e.seed); err != nil {
		return nil, err
	}
	delete(st.Collections, "events") // the seed is the starting point, not a history of mutations
	return st, nil
}

// Reset restores the seed, dropping every change, hook and idempotency record, and
// rewrites the state file if one is configured. POST /_emulate/reset calls it.
func (e *Emulator) Reset() error {
	st, err := e.seededStore()
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.store = st
	e.mu.Unlock()
	e.faults.resetHooks()
	e.installSeedHooks()
	return e.save()
}

func (e *Emulator) installSeedHooks() {
	for _, h := range e.seed.ErrorHooks {
		e.faults.addHook(&h)
	}
}

// Close writes the state file, if one is configured.
func (e *Emulator) Close() error { return e.save() }

func (e *Emulator) save() error {
	if e.opts.StateFile == "" {
		return nil
	}
	e.saveM.Lock()
	defer e.saveM.Unlock()
	e.mu.RLock()
	data, err := json.Marshal(e.store)
	e.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("emulator: encode state: %w", err)
	}
	return writeFileAtomic(e.opts.StateFile, data)
}

// Server is an emulator listening on a real socket, started by [Emulator.Start].
type Server struct {
	// URL is the base URL to give clients, e.g. "http://127.0.0.1:43123".
	URL string
	srv *http.Server
	ln  net.Listener
	e   *Emulator

	// stopWatch ends the wait on Start's context, so a context that never ends
	// does not keep a goroutine alive after Close.
	stopWatch func() bool
	closeOnce sync.Once
	closeErr  error
}

// Start listens on addr ("127.0.0.1:0" picks a free port; empty means that) and
// serves until ctx is done or Close is called.
func (e *Emulator) Start(ctx context.Context, addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("emulator: listen on %s: %w (pick another address or port 0)", addr, err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), ln: ln, e: e,
		srv: &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}}
	go func() { _ = s.srv.Serve(ln) }()
	s.stopWatch = context.AfterFunc(ctx, func() { _ = s.Close() })
	return s, nil
}

// Close stops the server and saves the emulator's state file, if any. It runs
// once: a second or concurrent call (Start closes the server when its context
// ends) waits for the first and returns its error, so no save outlives Close.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.stopWatch()
		err := s.srv.Close()
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.closeErr = errors.Join(err, s.e.Close())
	})
	return s.closeErr
}

// Transport returns an http.RoundTripper that serves requests in process, with no
// socket: give it to an http.Client whose requests use any host (for example
// "http://emulator"). Injected connection resets and truncated bodies surface as
// transport errors, as they would over a network.
func (e *Emulator) Transport() http.RoundTripper { return transport{e} }

type transport struct{ e *Emulator }

func (t transport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := &recorder{header: http.Header{}, status: 0}
	aborted := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					aborted = true
					return
				}
				panic(p)
			}
		}()
		r2 := req.Clone(req.Context())
		if r2.Body == nil {
			r2.Body = http.NoBody
		}
		if r2.RequestURI == "" {
			r2.RequestURI = req.URL.RequestURI()
		}
		t.e.ServeHTTP(rec, r2)
	}()
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if aborted && !rec.wroteHeader {
		return nil, fmt.Errorf("emulator: connection reset by peer (injected fault): %w", io.ErrUnexpectedEOF)
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	var body io.ReadCloser = io.NopCloser(bytes.NewReader(rec.body.Bytes()))
	if aborted {
		body = io.NopCloser(io.MultiReader(bytes.NewReader(rec.body.Bytes()), errReader{io.ErrUnexpectedEOF}))
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status)),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          body,
		ContentLength: -1,
		Request:       req,
	}, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// bearer extracts the bearer token of a request.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
