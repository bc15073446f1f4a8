package runtime

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Runtime runs scripts and calls. Create it with [New]; it is safe for concurrent use.
type Runtime struct {
	opts Options
	cat  *catalog.Catalog
	log  *slog.Logger
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
	return &Runtime{opts: o, cat: cat, log: log}, nil
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

// Run runs a script. Every outcome of the script, including limits and API
// errors, is reported in the Result; the error is non-nil only when the run could
// not be attempted (nil ctx or a broken runtime).
func (r *Runtime) Run(ctx context.Context, s Script) (*Result, error) {
	return nil, errors.New("runtime: Run is not wired yet")
}

// Call runs one catalog function with JSON-compatible arguments, without Lua.
func (r *Runtime) Call(ctx context.Context, name string, args map[string]any) (*CallResult, error) {
	return nil, errors.New("runtime: Call is not wired yet")
}
