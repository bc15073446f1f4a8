package runtime

import (
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// Runtime runs scripts and calls. Create it with [New]; it is safe for concurrent use.
type Runtime struct {
	opts   Options
	cat    *catalog.Catalog
	log    *slog.Logger
	client *workos.Client
	// gov is the memory governor shared by this runtime's parallel runs.
	gov *sandbox.Governor
	// allow and deny are the checked Allow and Deny lists.
	allow, deny nameList
}

// New returns a Runtime. A nil opts means all defaults. New copies opts.
func New(opts *Options) (*Runtime, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MemoryLimit == 0 {
		o.MemoryLimit = DefaultMemoryLimit
	}
	if o.MaxCalls == 0 {
		o.MaxCalls = DefaultMaxCalls
	}
	if o.MaxOutputBytes == 0 {
		o.MaxOutputBytes = DefaultMaxOutputBytes
	}
	if o.MaxLogBytes == 0 {
		o.MaxLogBytes = DefaultMaxLogBytes
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	switch o.WritePolicy {
	case "":
		o.WritePolicy = WriteAllow
	case WriteAllow, WriteDeny:
	default:
		return nil, errors.New(`runtime: WritePolicy must be "allow" or "deny"`)
	}
	if o.Timeout < 0 || o.MemoryLimit < 0 || o.MaxCalls < 0 || o.MaxOutputBytes < 0 || o.MaxLogBytes < 0 {
		return nil, errors.New("runtime: limits must not be negative")
	}
	cat := o.Catalog
	if cat == nil {
		cat = catalog.Default()
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
	client, err := workos.NewClient(&workos.Options{
		APIKey:     o.APIKey,
		BaseURL:    o.BaseURL,
		HTTPClient: o.HTTPClient,
		DryRun:     o.DryRun,
		Logger:     log,
	})
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	return &Runtime{opts: o, cat: cat, log: log, client: client, gov: sandbox.NewGovernor(nil), allow: allow, deny: deny}, nil
}

// Options returns the effective options with defaults filled in; APIKey is
// replaced by "[REDACTED]" when set, so the result is safe to print.
func (r *Runtime) Options() Options {
	o := r.opts
	if o.APIKey != "" {
		o.APIKey = "[REDACTED]"
	}
	return o
}

// Catalog returns the runtime's operation catalog.
func (r *Runtime) Catalog() *catalog.Catalog { return r.cat }

// Functions returns every catalog operation the runtime's policy lets scripts
// call, in canonical-name order.
func (r *Runtime) Functions() []*catalog.Operation {
	var out []*catalog.Operation
	for _, name := range r.cat.Names() {
		op, _ := r.cat.Lookup(name)
		if r.policyError(op) == nil {
			out = append(out, op)
		}
	}
	return out
}

// Describe returns the operation a name (canonical, seed or title alias) resolves to.
func (r *Runtime) Describe(name string) (*catalog.Operation, error) {
	return r.cat.Lookup(name)
}
