package emulator

import (
	"log/slog"
	"net/http"
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
	// Logger receives one debug line per request (method, path, status, latency,
	// request id) and per webhook delivery attempt; never a credential or a
	// webhook secret. Nil: logging is discarded.
	Logger *slog.Logger
	// Catalog is the operation catalog to serve. Nil: catalog.Default().
	Catalog *catalog.Catalog
	// DeviceAutoApprove, when positive, approves every device authorization that long
	// after it was issued (by Clock), signing in the first user in the store. Zero: a
	// device code stays pending until [Emulator.ApproveDevice] or POST /_emulate/device.
	DeviceAutoApprove time.Duration
	// Webhooks configures the delivery of events to webhook endpoints (see
	// [WebhookOptions]; the zero value delivers to loopback addresses only).
	Webhooks WebhookOptions
	// StrictIdempotency answers 400 idempotency_key_reused when an
	// Idempotency-Key comes back with a different request body. False follows
	// the spec: every later request with the key gets the first response.
	StrictIdempotency bool
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
	webhooks   *webhookDispatcher

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
	e.webhooks = newWebhookDispatcher(o.Webhooks, e.log)
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

// Reset restores the seed, dropping every change, hook and idempotency record and
// the webhook delivery log, and rewrites the state file if one is configured.
// POST /_emulate/reset calls it.
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
	e.webhooks.resetLog()
	return e.save()
}

func (e *Emulator) installSeedHooks() {
	for _, h := range e.seed.ErrorHooks {
		e.faults.addHook(&h)
	}
}

// Close stops webhook delivery (cancelling deliveries in flight and waiting for
// them) and writes the state file, if one is configured. Requests served after
// Close are answered, but their events are no longer delivered.
func (e *Emulator) Close() error {
	e.webhooks.close()
	return e.save()
}

// WebhookDeliveries returns the webhook delivery log, oldest first (at most the
// last 1000 deliveries). GET /_emulate/webhooks answers the same.
func (e *Emulator) WebhookDeliveries() []WebhookDelivery { return e.webhooks.deliveries() }

// ResetWebhookDeliveries empties the webhook delivery log (DELETE /_emulate/webhooks).
func (e *Emulator) ResetWebhookDeliveries() { e.webhooks.resetLog() }
