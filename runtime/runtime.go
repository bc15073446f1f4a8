package runtime

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	goruntime "runtime"
	"sync/atomic"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// Runtime runs scripts and calls. Create it with [New]; it is safe for concurrent use.
type Runtime struct {
	opts Options
	// catalog is Options.Catalog, or catalog.Default loaded on first use, so
	// a runtime that runs `return 1` never parses the catalog.
	catalog func() *catalog.Catalog
	log     *slog.Logger
	client  *api.Client
	// dflt is the default account (client, APIKey's); accounts the named ones.
	dflt     *account
	accounts map[string]*account
	// gov is the memory governor shared by this runtime's parallel runs.
	gov *sandbox.Governor
	// allow and deny are the checked Allow and Deny lists.
	allow, deny nameList
	// engine runs scripts in this process (IsolationInProcess); pool runs
	// them in worker processes (IsolationProcess). Exactly one is set.
	engine *engine
	pool   *pool
	spec   *workerSpec
	closed atomic.Bool
}

// New returns a Runtime. A nil opts means all defaults. New copies opts.
func New(opts *Options) (*Runtime, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.fillDefaults()
	switch o.Isolation {
	case "":
		o.Isolation = IsolationProcess
	case IsolationProcess, IsolationInProcess:
	default:
		return nil, fmt.Errorf("runtime: Isolation must be %q or %q", IsolationProcess, IsolationInProcess)
	}
	o.WritePolicy = cmp.Or(o.WritePolicy, WriteAllow)
	dp, err := checkPolicies("", o.WritePolicy, cmp.Or(o.DestructivePolicy, o.WritePolicy))
	if err != nil {
		return nil, err
	}
	o.DestructivePolicy = dp
	if o.Timeout < 0 || o.MemoryLimit < 0 || o.MaxCalls < 0 || o.MaxOutputBytes < 0 || o.MaxLogBytes < 0 ||
		o.MaxScriptBytes < 0 || o.MaxConcurrentRuns < 0 || o.WarmWorkers < 0 {
		return nil, errors.New("runtime: limits must not be negative")
	}
	cat := catalog.Default
	if o.Catalog != nil {
		cat = func() *catalog.Catalog { return o.Catalog }
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	allow, err := compileNames(cat, "Allow", o.Allow)
	if err != nil {
		return nil, err
	}
	deny, err := compileNames(cat, "Deny", o.Deny)
	if err != nil {
		return nil, err
	}
	client, err := api.NewClient(&api.Options{
		APIKey:     o.APIKey,
		BaseURL:    o.BaseURL,
		HTTPClient: o.HTTPClient,
		DryRun:     o.DryRun,
		Logger:     log,
	})
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	accounts, err := newAccounts(&o, cat, func(ao *api.Options) (*api.Client, error) {
		ao.Logger = log
		return api.NewClient(ao)
	})
	if err != nil {
		return nil, err
	}
	dfltName := o.Account
	if dfltName == "" {
		dfltName = DefaultAccountName
	}
	r := &Runtime{opts: o, catalog: cat, log: log, client: client, gov: sandbox.NewGovernor(nil), allow: allow, deny: deny,
		dflt: &account{name: dfltName, client: client, write: o.WritePolicy, destructive: o.DestructivePolicy}, accounts: accounts}
	if o.Isolation == IsolationInProcess {
		r.engine = &engine{catalog: cat, gov: r.gov}
		return r, nil
	}
	spec, err := newWorkerSpec(&o, cat)
	if err != nil {
		return nil, err
	}
	r.spec = spec
	r.pool = newPool(spec, o.MaxConcurrentRuns, o.WarmWorkers, log)
	r.pool.fill()
	// The host idles while its first worker starts: compile the schema
	// library's meta-schemas then, not in the run's first call.
	go api.WarmSchemas()
	// A Runtime dropped without Close still stops its workers.
	goruntime.AddCleanup(r, func(p *pool) { p.close() }, r.pool)
	return r, nil
}

// fillDefaults replaces the zero limits and the empty base URL by their defaults.
func (o *Options) fillDefaults() {
	o.Timeout = cmp.Or(o.Timeout, DefaultTimeout)
	o.MemoryLimit = cmp.Or(o.MemoryLimit, DefaultMemoryLimit)
	o.MaxCalls = cmp.Or(o.MaxCalls, DefaultMaxCalls)
	o.MaxOutputBytes = cmp.Or(o.MaxOutputBytes, DefaultMaxOutputBytes)
	o.MaxLogBytes = cmp.Or(o.MaxLogBytes, DefaultMaxLogBytes)
	o.BaseURL = cmp.Or(o.BaseURL, DefaultBaseURL)
	o.MaxScriptBytes = cmp.Or(o.MaxScriptBytes, DefaultMaxScriptBytes)
	o.MaxConcurrentRuns = cmp.Or(o.MaxConcurrentRuns, DefaultMaxConcurrentRuns)
}

// newWorkerSpec says how this runtime starts its workers.
func newWorkerSpec(o *Options, cat func() *catalog.Catalog) (*workerSpec, error) {
	path := o.WorkerPath
	if path == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("runtime: cannot find this program to start workers: %w; set Options.WorkerPath or use Isolation: IsolationInProcess", err)
		}
		path = exe
	}
	spec := &workerSpec{path: path, env: workerEnvironment(), cat: cat}
	if o.Catalog != nil {
		data, err := json.Marshal(catalog.File{Operations: o.Catalog.Operations()})
		if err != nil {
			return nil, fmt.Errorf("runtime: encode the catalog for workers: %w", err)
		}
		spec.catalogJSON = data
	}
	return spec, nil
}

// workerEnvironment is all a worker gets of the host's environment: the marker
// that makes it a worker, and the time zone os.date uses.
func workerEnvironment() []string {
	env := []string{workerEnv + "=" + workerProtocol}
	for _, k := range []string{"TZ", "GOCOVERDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// Close stops the runtime's pooled worker processes; runs in progress finish
// first. Run and NewSession fail after Close; a Session keeps its own worker
// until its own Close. Close is idempotent, and a no-op in-process.
func (r *Runtime) Close() error {
	r.closed.Store(true)
	if r.pool != nil {
		r.pool.close()
	}
	return nil
}

// Options returns the effective options with defaults filled in; APIKey (and
// every account's) is replaced by "[REDACTED]" when set, so the result is
// safe to print.
func (r *Runtime) Options() Options {
	o := r.opts
	if o.APIKey != "" {
		o.APIKey = "[REDACTED]"
	}
	o.Accounts = redactAccounts(o.Accounts)
	return o
}

// Catalog returns the runtime's operation catalog.
func (r *Runtime) Catalog() *catalog.Catalog { return r.catalog() }

// Functions returns every catalog operation the runtime's policy lets scripts
// call, in canonical-name order.
func (r *Runtime) Functions() []*catalog.Operation {
	var out []*catalog.Operation
	for _, name := range r.catalog().Names() {
		op, _ := r.catalog().Lookup(name)
		if r.policyError(op) == nil {
			out = append(out, op)
		}
	}
	return out
}

// Describe returns the operation a name (canonical, seed or title alias) resolves to.
func (r *Runtime) Describe(name string) (*catalog.Operation, error) {
	return r.catalog().Lookup(name)
}
