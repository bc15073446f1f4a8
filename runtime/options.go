package runtime

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// Defaults for the zero values of [Options].
const (
	DefaultTimeout = 30 * time.Second
	// DefaultMemoryLimit and DefaultMaxLogBytes are the sandbox's own.
	DefaultMemoryLimit    = sandbox.DefaultMemoryLimit
	DefaultMaxCalls       = 100
	DefaultMaxOutputBytes = 1 << 20
	DefaultMaxLogBytes    = sandbox.DefaultMaxLogBytes
	// DefaultBaseURL is the API client's.
	DefaultBaseURL        = api.DefaultBaseURL
	DefaultMaxScriptBytes = sandbox.DefaultMaxSourceBytes
	// DefaultMaxConcurrentRuns is the worker pool's size: runs beyond it
	// wait (within their own deadline) for a free worker.
	DefaultMaxConcurrentRuns = 8
)

// Isolation says where scripts run.
type Isolation string

// The isolation modes.
const (
	// IsolationProcess runs every script in a supervised worker process: the
	// host never parses or runs untrusted Lua, holds the API key alone, and
	// kills a worker that passes its deadline or memory limit (the default).
	IsolationProcess Isolation = "process"
	// IsolationInProcess runs scripts in sandboxes inside the host process.
	// It is for hosts that run trusted code: the sandbox's limits hold for
	// ordinary scripts, but a hostile script can exhaust the host's memory
	// with a single VM instruction or crash it with a deeply nested one.
	IsolationInProcess Isolation = "in-process"
)

// WritePolicy says whether scripts may call write and destructive functions.
type WritePolicy string

// The write policies.
const (
	// WriteAllow lets every function run (subject to Allow/Deny lists).
	WriteAllow WritePolicy = "allow"
	// WriteDeny refuses write and destructive functions with a "denied" error.
	WriteDeny WritePolicy = "deny"
	// WriteAsk sends a write only after a person approved it: the run's
	// [Approver] (a terminal prompt, an MCP elicitation) is asked at the
	// moment of the write; without one the write is denied, and the way
	// forward is [Runtime.Plan] and [Runtime.Apply].
	WriteAsk WritePolicy = "ask"
)

// Options configure a [Runtime]. The zero value of every field is usable; a nil
// *Options means all defaults.
type Options struct {
	// APIKey is the WorkOS API key (sk_...). It is sent only as a bearer token and
	// never appears in results, logs or errors. If empty, calls that need a key fail
	// with an authentication error from the API.
	APIKey string
	// BaseURL is the WorkOS API base URL. If empty, DefaultBaseURL.
	BaseURL string
	// HTTPClient is the client whose Transport carries requests (retries are
	// layered on top). If nil, a pooled client is used. The emulator is plugged in
	// here (its in-process transport) or through BaseURL.
	HTTPClient *http.Client
	// Timeout bounds each run, covering the VM and every HTTP call. If zero,
	// DefaultTimeout.
	Timeout time.Duration
	// MemoryLimit bounds each run's memory in bytes. If zero, DefaultMemoryLimit.
	MemoryLimit int64
	// MaxCalls bounds the WorkOS calls one run may make. If zero, DefaultMaxCalls.
	MaxCalls int
	// MaxOutputBytes bounds the encoded result; a larger result is replaced by a
	// valid-JSON summary. If zero, DefaultMaxOutputBytes.
	MaxOutputBytes int
	// MaxLogBytes bounds the captured print output. If zero, DefaultMaxLogBytes.
	MaxLogBytes int
	// WritePolicy is the write policy. If empty, WriteAllow.
	WritePolicy WritePolicy
	// DestructivePolicy is the policy of destructive functions (deletes,
	// revocations). If empty, WritePolicy; it is never laxer than
	// WritePolicy (deny > ask > allow): a stricter WritePolicy wins.
	DestructivePolicy WritePolicy
	// Approver approves writes under the ask policy when the run's context
	// carries none (see [WithApprover]). If nil, such writes are denied.
	Approver Approver
	// PlanKey signs and verifies plans (HMAC-SHA256), so a plan made by one
	// process or replica can be applied by another that shares the key; see
	// [LoadPlanKey]. If empty, Plan and Apply fail with a *PlanError.
	PlanKey []byte
	// PlanTTL is how long a plan stays valid. If zero, DefaultPlanTTL.
	PlanTTL time.Duration
	// Journal records every run and call that wrote (see [Journal]). If nil,
	// nothing is recorded.
	Journal Journal
	// Allow, when non-empty, lists the only functions scripts may call (canonical
	// names or globs like "organizations_*"). Deny lists functions they may never
	// call. Deny wins over Allow.
	Allow []string
	Deny  []string
	// DryRun sends reads and records writes instead of sending them.
	DryRun bool
	// Catalog is the operation catalog. If nil, catalog.Default().
	Catalog *catalog.Catalog
	// Account names the default account (APIKey, BaseURL, WritePolicy), in
	// call envelopes and for scripts (workos.<Account>.fn is workos.fn). If
	// empty, DefaultAccountName.
	Account string
	// Accounts are named accounts besides the default one, each with its own
	// key, base URL and write policy; a script selects one with
	// workos.<name>.fn(...) (KosmoKrator's app.integrations.workos.<name>.fn),
	// and every call in the envelope names its account. Names are 1-64
	// letters, digits, '-', '_' or '.', and may not be "default", a workos
	// module member or a function name. If nil, scripts have the default
	// account only.
	Accounts map[string]Account
	// Logger receives operational logs (never the API key). If nil, logs are discarded.
	Logger *slog.Logger
	// TracerProvider, if set, traces every run and call: a span per run
	// and a child span per WorkOS call (tracing.go). If nil, no spans.
	TracerProvider trace.TracerProvider
	// MaxScriptBytes bounds a script's source; a larger one is refused
	// before anything parses it. If zero, DefaultMaxScriptBytes (1 MiB).
	MaxScriptBytes int

	// Isolation says where scripts run. If empty, IsolationProcess.
	Isolation Isolation
	// MaxConcurrentRuns bounds the runs (worker processes) at once; more
	// wait for a free worker within their own deadline. If zero,
	// DefaultMaxConcurrentRuns. Sessions own a worker each, outside this bound.
	MaxConcurrentRuns int
	// WarmWorkers is how many idle workers the runtime keeps started, so a
	// run does not wait for a process to start. If zero, none are started
	// ahead: the first run starts one and later runs reuse it. At most
	// MaxConcurrentRuns.
	WarmWorkers int
	// WorkerPath is the program started as a worker. If empty, this process's
	// own executable: any program that links this package can serve as a
	// worker, with no setup. Workers get an empty environment (TZ excepted),
	// no arguments and no key.
	WorkerPath string
}

// Limits are per-run overrides. A zero field keeps the runtime's value; a value
// above the runtime's cap is lowered to the cap, so callers (for example an MCP
// client) can tighten limits but never raise them.
type Limits struct {
	Timeout        time.Duration `json:"timeout"`
	MemoryLimit    int64         `json:"memory_limit"`
	MaxCalls       int           `json:"max_calls"`
	MaxOutputBytes int           `json:"max_output_bytes"`
	MaxScriptBytes int           `json:"max_script_bytes"`
}

// Script is one script to run.
type Script struct {
	// Name labels the script in errors (e.g. a file name). If empty, "script".
	Name string
	// Source is the Lua source.
	Source string
	// Args is any JSON-compatible Go value, visible to the script as the global args.
	Args any
	// Limits optionally tightens the runtime's limits for this run.
	Limits *Limits
	// OnCall, if set, is called after every WorkOS call the run makes (refused
	// ones included), for progress reports. It may be called from several
	// goroutines at once (workos.batch) and must return quickly.
	OnCall func(CallInfo)
}

// String formats the options with the API key redacted, so printing or logging
// them cannot leak it.
func (o Options) String() string {
	if o.APIKey != "" {
		o.APIKey = "[REDACTED]"
	}
	o.Accounts = redactAccounts(o.Accounts)
	type plain Options // drops the methods, so this does not recurse
	return fmt.Sprintf("%+v", plain(o))
}

// GoString is String for the %#v verb.
func (o Options) GoString() string { return "runtime.Options" + o.String() }

// redactAccounts copies accounts with their keys redacted.
func redactAccounts(in map[string]Account) map[string]Account {
	if in == nil {
		return nil
	}
	out := make(map[string]Account, len(in))
	for name, a := range in {
		if a.APIKey != "" {
			a.APIKey = "[REDACTED]"
		}
		out[name] = a
	}
	return out
}
