package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// Factory holds what commands need from the outside world. Commands copy the
// fields they use into their options struct (cli/cli style), so tests build a
// Factory with test IOStreams, a fake environment and a temporary config path.
// Nothing in a command reads os.Getenv, os.Stdout or the real config directly.
type Factory struct {
	// IOStreams are the standard streams.
	IOStreams *IOStreams
	// Version is the build's version string ("dev" for local builds).
	Version string
	// Getenv reads an environment variable (os.Getenv in production).
	Getenv func(string) string
	// ConfigPath returns the account file's path (see config.DefaultPath).
	ConfigPath func() (string, error)
	// HistoryPath returns the REPL history file's path.
	HistoryPath func() (string, error)
	// HTTPClient, if non-nil, carries requests to the real API (tests point it
	// at an httptest server). If nil, the runtime's default client is used.
	HTTPClient *http.Client
	// Emulator returns an HTTP client served in process by a fresh emulator with
	// its default seed data, and the API key it accepts. Used by --emulate.
	Emulator func() (client *http.Client, apiKey string, err error)
	// Verbose is -v/--verbose: log every HTTP request on stderr (logging.go).
	Verbose bool
	// tracing is the OpenTelemetry set-up, built on first use (tracing.go).
	tracing *tracing
}

// EmulatorBaseURL is the base URL given to the runtime with --emulate. Requests
// never leave the process: the emulator's transport answers them.
const EmulatorBaseURL = "http://emulator.kosmo-lua.invalid"

// newFactory returns the production Factory.
func newFactory(version string) *Factory {
	f := &Factory{
		IOStreams: SystemIOStreams(),
		Version:   version,
		Getenv:    os.Getenv,
		Emulator:  inProcessEmulator,
	}
	f.ConfigPath = func() (string, error) { return config.DefaultPath(f.Getenv) }
	f.HistoryPath = func() (string, error) {
		cp, err := f.ConfigPath()
		if err != nil {
			return "", err
		}
		return filepath.Join(config.DefaultStateDir(f.Getenv, cp), "repl_history"), nil
	}
	return f
}

// Resolved describes where a runtime's settings came from. It never holds the
// API key.
type Resolved struct {
	// Emulated is true with --emulate.
	Emulated bool
	// KeySource is "flag", "env", "account" or "emulator".
	KeySource string
	// Account is the account whose key is used, or "".
	Account string
	// BaseURL is the effective API base URL.
	BaseURL string
	// Write is the effective write policy, and WriteFrom what made it
	// stricter than allow: "flag" (--write deny or ask), "account" (the
	// account is saved with write deny or ask) or "" (allow).
	Write     runtime.WritePolicy
	WriteFrom string
	// DryRun is --dry-run.
	DryRun bool
	// Accounts are the named accounts scripts may select besides the
	// default one (workos.<name>.fn), from the accounts file, sorted.
	Accounts []NamedAccount
	// ConfigPath is the accounts file that was read, or "".
	ConfigPath string
	// Unusable says why accounts of the file are not offered to scripts
	// (a name scripts cannot select, such as a function name).
	Unusable []string
}

// NamedAccount describes one named account of a runtime; never its key.
type NamedAccount struct {
	Name string `json:"name"`
	// Key is the masked key ("" with --emulate).
	Key     string `json:"key,omitempty"`
	BaseURL string `json:"base_url"`
	Write   string `json:"write"`
}

// Config loads the account file.
func (f *Factory) Config() (*config.File, string, error) {
	path, err := f.ConfigPath()
	if err != nil {
		return nil, "", err
	}
	cf, err := config.Load(path)
	return cf, path, err
}

// RuntimeOptions resolves credentials, base URL, policy and limits from rf, the
// environment and the account file into runtime options.
//
// Credentials: with --emulate, the emulator's key and an in-process client (no
// environment or config is read). Otherwise, first match wins: --api-key; the
// account named by --account; WORKOS_API_KEY; the default account in the config
// file. No key at all is a *NoCredentialsError.
//
// Base URL: --base-url, WORKOS_BASE_URL, the account's base_url, the runtime's
// default. Write policy: deny when --write deny or the account's write is deny
// (a flag cannot widen an account's policy); otherwise allow.
func (f *Factory) RuntimeOptions(rf *RuntimeFlags) (*runtime.Options, *Resolved, error) {
	if rf == nil {
		rf = &RuntimeFlags{}
	}
	if err := rf.validate(); err != nil {
		return nil, nil, err
	}
	opts := &runtime.Options{
		Allow:       rf.Allow,
		Deny:        rf.Deny,
		DryRun:      rf.DryRun,
		Timeout:     rf.timeout(),
		MemoryLimit: rf.memory(),
		MaxCalls:    rf.MaxCalls,
		WarmWorkers: rf.WarmWorkers,
		// Set by mcp, which keeps big results whole.
		MaxOutputBytes: rf.MaxOutputBytes,
	}
	logger, err := f.logger()
	if err != nil {
		return nil, nil, err
	}
	opts.Logger = logger
	opts.TracerProvider = f.tracerProvider()
	res := &Resolved{}
	var acct *config.Account
	if rf.Emulate {
		if rf.APIKey != "" || rf.Account != "" || rf.BaseURL != "" {
			return nil, nil, flagErrorf("--emulate cannot be combined with --api-key, --account or --base-url")
		}
		client, key, err := f.Emulator()
		if err != nil {
			return nil, nil, err
		}
		opts.HTTPClient, opts.APIKey, opts.BaseURL = client, key, EmulatorBaseURL
		res.Emulated, res.KeySource, res.BaseURL = true, "emulator", EmulatorBaseURL
	} else {
		switch {
		case rf.APIKey != "":
			opts.APIKey, res.KeySource = rf.APIKey, "flag"
		case rf.Account == "" && f.Getenv("WORKOS_API_KEY") != "":
			opts.APIKey, res.KeySource = f.Getenv("WORKOS_API_KEY"), "env"
		default:
			cf, _, err := f.Config()
			if err != nil {
				return nil, nil, err
			}
			a, name, ok := cf.Account(rf.Account)
			if !ok || a.APIKey == "" {
				return nil, nil, &NoCredentialsError{Account: name, Missing: rf.Account != ""}
			}
			acct = a
			opts.APIKey, res.KeySource, res.Account = a.APIKey, "account", name
			opts.Account = name
		}
		opts.BaseURL = rf.BaseURL
		if opts.BaseURL == "" {
			opts.BaseURL = f.Getenv("WORKOS_BASE_URL")
		}
		if opts.BaseURL == "" && acct != nil {
			opts.BaseURL = acct.BaseURL
		}
		if opts.BaseURL == "" {
			opts.BaseURL = runtime.DefaultBaseURL
		}
		res.BaseURL = opts.BaseURL
		opts.HTTPClient = f.HTTPClient
	}
	if err := f.reviewSettings(rf, acct, opts, res); err != nil {
		return nil, nil, err
	}
	res.Write, res.DryRun = opts.WritePolicy, rf.DryRun
	if err := f.namedAccounts(rf, opts, res); err != nil {
		return nil, nil, err
	}
	return opts, res, nil
}

// reviewSettings sets the write and destructive policies (and says where
// a strict one came from), the plan key when plans are made or applied,
// and the journal.
func (f *Factory) reviewSettings(rf *RuntimeFlags, acct *config.Account, opts *runtime.Options, res *Resolved) error {
	opts.WritePolicy = writePolicy(rf, acct)
	opts.DestructivePolicy = destructivePolicy(rf, acct)
	switch strict := opts.WritePolicy != runtime.WriteAllow; {
	case strict && rf.Write == string(opts.WritePolicy):
		res.WriteFrom = "flag"
	case strict && acct != nil && acct.Write == string(opts.WritePolicy):
		res.WriteFrom = "account"
	}
	opts.PlanTTL = time.Duration(rf.PlanTTL)
	opts.Journal = f.journal()
	if rf.needsPlanKey() {
		key, err := f.planKey()
		if err != nil {
			return err
		}
		opts.PlanKey = key
	}
	return nil
}

// writePolicy is the stricter of --write and the account's saved write
// policy (deny > ask > allow: a flag cannot widen an account's policy);
// allow when neither is set.
func writePolicy(rf *RuntimeFlags, acct *config.Account) runtime.WritePolicy {
	p := stricter(rf.Write, "")
	if acct != nil {
		p = stricter(p, acct.Write)
	}
	if p == "" {
		return runtime.WriteAllow
	}
	return runtime.WritePolicy(p)
}

// destructivePolicy is the stricter of --destructive and the account's
// saved destructive policy; "" lets the runtime follow the write policy.
func destructivePolicy(rf *RuntimeFlags, acct *config.Account) runtime.WritePolicy {
	p := rf.Destructive
	if acct != nil {
		p = stricter(p, acct.Destructive)
	}
	return runtime.WritePolicy(p)
}

// stricter is the stricter of two policy names ("" is unset).
func stricter(a, b string) string {
	rank := map[string]int{"": 0, "allow": 1, "ask": 2, "deny": 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// namedAccounts adds every account of the accounts file besides the run's
// default one to opts.Accounts, so a script can select it with
// workos.<name>.fn (KosmoKrator's app.integrations.workos.<name>.fn). Each
// keeps its own key, base URL (else the API's default) and write policy
// (deny when --write deny or saved with write deny). An account named
// "default" is the run's default account and is not added again.
//
// With --emulate no key is read: each account gets its own fresh emulator,
// built on its first request, so a script can read from one and write to
// another.
func (f *Factory) namedAccounts(rf *RuntimeFlags, opts *runtime.Options, res *Resolved) error {
	cf, path, err := f.Config()
	if err != nil {
		return err
	}
	res.ConfigPath = path
	for _, name := range cf.Names() {
		a := cf.Accounts[name]
		if name == config.DefaultAccountName || name == res.Account || a == nil {
			continue
		}
		if err := runtime.CheckAccountName(name); err != nil {
			// Saved before names were checked: scripts cannot select it,
			// but it must not break runs that do not use it.
			res.Unusable = append(res.Unusable, strings.TrimPrefix(err.Error(), "runtime: "))
			continue
		}
		na := NamedAccount{Name: name, Write: string(writePolicy(rf, a))}
		ra := runtime.Account{WritePolicy: runtime.WritePolicy(na.Write), DestructivePolicy: destructivePolicy(rf, a)}
		if rf.Emulate {
			ra.APIKey, ra.BaseURL, ra.HTTPClient = opts.APIKey, EmulatorBaseURL, &http.Client{Transport: &lazyEmulator{newEmulator: f.Emulator}}
		} else {
			if a.APIKey == "" {
				continue
			}
			ra.APIKey, ra.BaseURL, ra.HTTPClient = a.APIKey, a.BaseURL, f.HTTPClient
			if ra.BaseURL == "" {
				ra.BaseURL = runtime.DefaultBaseURL
			}
			na.Key = config.Mask(a.APIKey)
		}
		na.BaseURL = ra.BaseURL
		if opts.Accounts == nil {
			opts.Accounts = map[string]runtime.Account{}
		}
		opts.Accounts[name] = ra
		res.Accounts = append(res.Accounts, na)
	}
	return nil
}

// lazyEmulator is an http.RoundTripper whose emulator (a named account's,
// with --emulate) is built on the first request, so accounts a script does
// not use cost nothing.
type lazyEmulator struct {
	newEmulator func() (*http.Client, string, error)
	once        sync.Once
	rt          http.RoundTripper
	err         error
}

// RoundTrip answers req from the account's emulator.
func (l *lazyEmulator) RoundTrip(req *http.Request) (*http.Response, error) {
	l.once.Do(func() {
		var c *http.Client
		if c, _, l.err = l.newEmulator(); l.err == nil {
			l.rt = c.Transport
		}
	})
	if l.err != nil {
		return nil, l.err
	}
	return l.rt.RoundTrip(req)
}

// Runtime builds a runtime from rf (see [Factory.RuntimeOptions]).
func (f *Factory) Runtime(rf *RuntimeFlags) (*runtime.Runtime, *Resolved, error) {
	opts, res, err := f.RuntimeOptions(rf)
	if err != nil {
		return nil, nil, err
	}
	limitRate(opts, rf.RateLimit)
	rt, err := runtime.New(opts)
	if err != nil {
		// The runtime rejects only options, which come from flags here
		// (a bad --allow/--deny glob or an unknown function name) or from
		// the accounts file (an account name scripts could not select).
		return nil, nil, &FlagError{err: err}
	}
	return rt, res, nil
}
