package runtime

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
)

// DefaultAccountName names the default account (the one [Options.APIKey]
// configures) in envelopes and in scripts when [Options.Account] is empty.
const DefaultAccountName = "default"

// maxAccountName bounds an account name, as the CLI's accounts file does.
const maxAccountName = 64

// Account is one named set of credentials besides the default one. A script
// selects it with workos.<name>.fn(...) (KosmoKrator's
// app.integrations.workos.<name>.fn), so one script can read from one
// account and write to another. The zero value of every field is usable.
type Account struct {
	// APIKey is the account's WorkOS API key. Like Options.APIKey it never
	// appears in results, logs or errors, and workers never see it.
	APIKey string
	// BaseURL is the account's API base URL. If empty, DefaultBaseURL.
	BaseURL string
	// HTTPClient carries the account's requests. If nil, Options.HTTPClient.
	// With the emulator, give each account its own to give it its own state.
	HTTPClient *http.Client
	// WritePolicy is the account's write policy. If empty, Options.WritePolicy:
	// an account never allows what the runtime's policy denies unless the host
	// says so explicitly.
	WritePolicy WritePolicy
	// DestructivePolicy is the account's policy for destructive functions.
	// If empty, Options.DestructivePolicy; never laxer than WritePolicy.
	DestructivePolicy WritePolicy
}

// String formats the account with its key redacted.
func (a Account) String() string {
	if a.APIKey != "" {
		a.APIKey = "[REDACTED]"
	}
	type plain Account
	return fmt.Sprintf("%+v", plain(a))
}

// GoString is String for the %#v verb.
func (a Account) GoString() string { return "runtime.Account" + a.String() }

// account is a resolved account: its name, client and write policy.
type account struct {
	name   string
	client *api.Client
	// write and destructive are the policies of the write and destructive
	// access classes.
	write, destructive WritePolicy
}

// AccountError reports a script, a tool call or a host call that named an
// account the runtime was not given.
type AccountError struct {
	// Name is the account asked for; Configured lists the accounts there are,
	// the default account first.
	Name       string
	Configured []string
}

// Error names the account, the configured ones, and how to add one.
func (e *AccountError) Error() string {
	return fmt.Sprintf("workos: unknown account %q; the configured accounts are: %s (the host adds an account to its accounts configuration, with its own key)",
		e.Name, strings.Join(e.Configured, ", "))
}

// Kind reports the error kind: the account path names nothing, as an
// unknown function does.
func (e *AccountError) Kind() string { return KindUnknownFunction }

// newAccounts checks Options.Accounts and builds a client for each.
func newAccounts(o *Options, cat func() *catalog.Catalog, newClient func(*api.Options) (*api.Client, error)) (map[string]*account, error) {
	if len(o.Accounts) == 0 {
		return nil, nil
	}
	out := make(map[string]*account, len(o.Accounts))
	for _, name := range slices.Sorted(mapKeys(o.Accounts)) {
		a := o.Accounts[name]
		if err := checkAccountName(name, o.Account, cat); err != nil {
			return nil, err
		}
		if a.WritePolicy == "" {
			a.WritePolicy = o.WritePolicy
		}
		if a.DestructivePolicy == "" {
			a.DestructivePolicy = o.DestructivePolicy
		}
		dp, err := checkPolicies(fmt.Sprintf("Accounts[%q].", name), a.WritePolicy, a.DestructivePolicy)
		if err != nil {
			return nil, err
		}
		hc := a.HTTPClient
		if hc == nil {
			hc = o.HTTPClient
		}
		base := a.BaseURL
		if base == "" {
			base = DefaultBaseURL
		}
		client, err := newClient(&api.Options{APIKey: a.APIKey, BaseURL: base, HTTPClient: hc, DryRun: o.DryRun})
		if err != nil {
			return nil, fmt.Errorf("runtime: account %q: %w", name, err)
		}
		out[name] = &account{name: name, client: client, write: a.WritePolicy, destructive: dp}
	}
	return out, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// CheckAccountName reports whether name can be a key of Options.Accounts
// with the default catalog: 1-64 letters, digits, '-', '_' or '.', and not
// "default", a script global (workos, app), a workos module member or a
// function name. Hosts use it to refuse such a name when it is saved.
func CheckAccountName(name string) error {
	return checkAccountName(name, "", catalog.Default)
}

// checkAccountName refuses a name a script could not select unambiguously:
// the default's own names, a module member, or a function name.
func checkAccountName(name, defaultName string, cat func() *catalog.Catalog) error {
	valid := name != "" && len(name) <= maxAccountName
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r)) {
			valid = false
		}
	}
	switch {
	case !valid:
		return fmt.Errorf("runtime: account name %q must be 1-%d letters, digits, '-', '_' or '.'", name, maxAccountName)
	case name == "workos" || name == "app":
		return fmt.Errorf("runtime: account name %q is a global of scripts (app.integrations.workos); choose another name", name)
	case name == DefaultAccountName || name != "" && name == defaultName:
		return fmt.Errorf("runtime: account %q is the default account's name; configure the default account with APIKey and BaseURL instead", name)
	case workos.IsMember(name):
		return fmt.Errorf("runtime: account name %q is a workos module member (workos.%s); choose another name", name, name)
	}
	if _, ok := cat().Resolve(name); ok {
		return fmt.Errorf("runtime: account name %q is a WorkOS function name (workos.%s); choose another name", name, name)
	}
	return nil
}

// accountNamed resolves a script's or a caller's account name: "", "default"
// and Options.Account are the default account.
func (r *Runtime) accountNamed(name string) (*account, error) {
	if name == "" || name == DefaultAccountName || name == r.dflt.name {
		return r.dflt, nil
	}
	if a, ok := r.accounts[name]; ok {
		return a, nil
	}
	return nil, &AccountError{Name: name, Configured: r.AccountNames()}
}

// AccountNames returns the names scripts may select: the default account's
// first, then the named accounts, sorted.
func (r *Runtime) AccountNames() []string {
	return append([]string{r.dflt.name}, slices.Sorted(mapKeys(r.accounts))...)
}

// AccountPolicy returns an account's write policy, or an *AccountError.
func (r *Runtime) AccountPolicy(name string) (WritePolicy, error) {
	a, err := r.accountNamed(name)
	if err != nil {
		return "", err
	}
	return a.write, nil
}

// scriptAccounts are the names a script's workos module resolves as
// accounts, besides "default".
func (r *Runtime) scriptAccounts() []string {
	if len(r.accounts) == 0 && r.opts.Account == "" {
		return nil
	}
	names := slices.Sorted(mapKeys(r.accounts))
	if r.opts.Account != "" {
		names = append(names, r.opts.Account)
	}
	return names
}
