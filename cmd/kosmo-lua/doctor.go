package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// doctorTestFunction is the test call: a cheap read every key may make
// (KosmoKrator's testConnection sends GET /organizations too).
const doctorTestFunction = "organizations_list"

// doctorTestTimeout bounds each account's test call.
const doctorTestTimeout = 10 * time.Second

// Finding levels, worst last.
const (
	levelOK      = "ok"
	levelWarning = "warning"
	levelError   = "error"
)

// DoctorOptions are the inputs of `kosmo-lua doctor`.
type DoctorOptions struct {
	IO *IOStreams
	// RuntimeOptions resolves the flags (Factory.RuntimeOptions).
	RuntimeOptions func(*RuntimeFlags) (*runtime.Options, *Resolved, error)

	Flags RuntimeFlags
	// JSON prints one JSON object (the default when stdout is not a terminal).
	JSON bool
}

// DoctorReport is what `doctor` prints. It never holds a key, only masked ones.
type DoctorReport struct {
	// OK is true when no finding is an error; ExitCode is the exit status.
	OK          bool              `json:"ok"`
	ExitCode    int               `json:"exit_code"`
	Credentials DoctorCredentials `json:"credentials"`
	BaseURL     string            `json:"base_url,omitempty"`
	// TestCall is the default account's test call.
	TestCall    *DoctorTest `json:"test_call"`
	WritePolicy string      `json:"write_policy,omitempty"`
	// WriteFrom says what made the policy deny: "flag" or "account".
	WriteFrom string `json:"write_from,omitempty"`
	// Accounts are the configured accounts, the default one first, each
	// with its own test call.
	Accounts     []DoctorAccount `json:"accounts"`
	Catalog      DoctorCatalog   `json:"catalog"`
	Findings     []DoctorFinding `json:"findings"`
	NextCommands []string        `json:"next_commands"`
}

// DoctorCredentials says whether a key was found and where from.
type DoctorCredentials struct {
	Found bool `json:"found"`
	// Source is "flag", "env", "account" or "emulator".
	Source  string `json:"source,omitempty"`
	Account string `json:"account,omitempty"`
	// Key is the masked key, e.g. "sk_test_…a1b2".
	Key        string `json:"key,omitempty"`
	ConfigPath string `json:"config_path,omitempty"`
}

// DoctorAccount is one account of the run, with its test call.
type DoctorAccount struct {
	Name     string      `json:"name"`
	Default  bool        `json:"default"`
	Key      string      `json:"key,omitempty"`
	BaseURL  string      `json:"base_url"`
	Write    string      `json:"write"`
	TestCall *DoctorTest `json:"test_call"`
}

// DoctorTest is one test call's outcome.
type DoctorTest struct {
	Function  string  `json:"function"`
	OK        bool    `json:"ok"`
	Status    *int    `json:"status"`
	LatencyMS float64 `json:"latency_ms"`
	// Error is the failure's kind and message, or "".
	Error string `json:"error,omitempty"`
}

// DoctorCatalog describes the function catalog the binary carries.
type DoctorCatalog struct {
	Operations int `json:"operations"`
	// SpecSHA256 identifies the WorkOS OpenAPI specification it was
	// generated from.
	SpecSHA256 string `json:"spec_sha256"`
}

// DoctorFinding is one check's result; ExitCode is the status it asks for.
type DoctorFinding struct {
	Check    string `json:"check"`
	Level    string `json:"level"`
	Message  string `json:"message"`
	ExitCode int    `json:"exit_code"`
}

func newCmdDoctor(f *Factory, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{IO: f.IOStreams, RuntimeOptions: f.RuntimeOptions}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check credentials, the API, accounts and policy, and say what to run next",
		Long: `Check the setup the way KosmoKrator's integrations:doctor does: which credentials
were found and where from (keys masked), the base URL, a test call
(organizations_list, limit 1) with its status and latency for every configured
account, the write policy, the accounts, the catalog's specification, and the
next commands to run. --json prints one object.

Exit codes, by the worst finding: 0 every check passed (warnings included);
1 a test call failed (network, API error); 4 no credentials, an unreadable
accounts file, or a key the API rejected (401 or 403).`,
		Example: "  kosmo-lua doctor\n  kosmo-lua doctor --account prod --json\n  kosmo-lua doctor --emulate",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return doctorRun(cmd.Context(), opts)
		},
	}
	opts.Flags.AddCredentialFlags(cmd.Flags())
	cmd.Flags().StringVar(&opts.Flags.Write, "write", "", "Write `POLICY` to report as in force: allow, ask or deny")
	cmd.Flags().StringVar(&opts.Flags.Destructive, "destructive", "", "Destructive `POLICY` to report as in force: allow, ask or deny")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print one JSON object (the default when stdout is not a terminal)")
	return cmd
}

func doctorRun(ctx context.Context, opts *DoctorOptions) error {
	rep := &DoctorReport{Accounts: []DoctorAccount{}, NextCommands: []string{},
		Catalog: DoctorCatalog{Operations: catalog.OperationCount, SpecSHA256: catalog.SpecSHA256}}
	rtOpts, res, err := opts.RuntimeOptions(&opts.Flags)
	var fe *FlagError
	switch {
	case errors.As(err, &fe):
		return err
	case err != nil:
		rep.credentialsMissing(err)
	default:
		if err := rep.check(ctx, rtOpts, res); err != nil {
			return err
		}
	}
	rep.finish()
	if opts.JSON || !opts.IO.IsStdoutTTY() {
		if err := writeJSON(opts.IO.Out, rep, opts.IO.IsStdoutTTY()); err != nil {
			return err
		}
	} else {
		fmt.Fprint(opts.IO.Out, rep.text())
	}
	if rep.ExitCode == 0 {
		return nil
	}
	return &ExitError{Code: exitCode(rep.ExitCode)}
}

// add records a finding.
func (r *DoctorReport) add(check, level string, code exitCode, format string, args ...any) {
	r.Findings = append(r.Findings, DoctorFinding{Check: check, Level: level, ExitCode: int(code), Message: fmt.Sprintf(format, args...)})
}

// credentialsMissing reports a run that could not resolve credentials.
func (r *DoctorReport) credentialsMissing(err error) {
	code := exitError
	var nc *NoCredentialsError
	if errors.As(err, &nc) || isConfigPermission(err) {
		code = exitAuth
	}
	r.add("credentials", levelError, code, "%s", redact(err.Error()))
	r.NextCommands = append(r.NextCommands,
		"kosmo-lua auth set --account default   # reads the key from stdin",
		"export WORKOS_API_KEY=sk_...            # or use the environment",
		"kosmo-lua doctor --emulate              # try everything offline")
}

// check runs the checks that need credentials: one test call per account.
func (r *DoctorReport) check(ctx context.Context, o *runtime.Options, res *Resolved) error {
	r.Credentials = DoctorCredentials{Found: true, Source: res.KeySource, Account: res.Account, ConfigPath: res.ConfigPath}
	if !res.Emulated {
		r.Credentials.Key = config.Mask(o.APIKey)
	}
	from := map[string]string{"flag": "--api-key", "env": "WORKOS_API_KEY", "emulator": "the built-in emulator", "account": fmt.Sprintf("account %q in %s", res.Account, res.ConfigPath)}[res.KeySource]
	if res.Emulated {
		r.add("credentials", levelOK, exitOK, "no key needed: %s", from)
	} else {
		r.add("credentials", levelOK, exitOK, "key %s from %s", r.Credentials.Key, from)
	}
	r.BaseURL, r.WritePolicy, r.WriteFrom = res.BaseURL, string(res.Write), res.WriteFrom
	if !strings.HasPrefix(res.BaseURL, "https://") && !res.Emulated && !isLoopbackURL(res.BaseURL) {
		r.add("base_url", levelWarning, exitOK, "%s is not https: the key would travel unencrypted", res.BaseURL)
	} else {
		r.add("base_url", levelOK, exitOK, "%s", res.BaseURL)
	}
	o.Isolation = runtime.IsolationInProcess // no scripts run here
	rt, err := runtime.New(o)
	if err != nil {
		return &FlagError{err: err}
	}
	defer rt.Close()
	dflt := rt.AccountNames()[0]
	r.Accounts = append(r.Accounts, DoctorAccount{Name: dflt, Default: true, Key: r.Credentials.Key, BaseURL: res.BaseURL, Write: string(res.Write)})
	for _, a := range res.Accounts {
		r.Accounts = append(r.Accounts, DoctorAccount{Name: a.Name, Key: a.Key, BaseURL: a.BaseURL, Write: a.Write})
	}
	for i := range r.Accounts {
		a := &r.Accounts[i]
		a.TestCall = testCall(ctx, rt, a.Name, a.Default)
		r.addTestFinding(a)
	}
	r.TestCall = r.Accounts[0].TestCall
	switch res.Write {
	case runtime.WriteDeny:
		r.add("write_policy", levelOK, exitOK, "deny (from %s): write and destructive functions are refused", map[string]string{"flag": "--write deny", "account": "the account's saved policy"}[res.WriteFrom])
	case runtime.WriteAsk:
		r.add("write_policy", levelOK, exitOK, "ask (from %s): each write is shown and sent only once a person approves it (in a terminal, by MCP elicitation, or as a reviewed plan)", map[string]string{"flag": "--write ask", "account": "the account's saved policy"}[res.WriteFrom])
	default:
		r.add("write_policy", levelOK, exitOK, "allow: scripts may call write functions (mcp denies them unless --write allow)")
	}
	if d := o.DestructivePolicy; d != "" && d != res.Write {
		r.add("write_policy", levelOK, exitOK, "destructive functions: %s", d)
	}
	names := make([]string, 0, len(r.Accounts))
	for _, a := range r.Accounts {
		names = append(names, a.Name+" (write "+a.Write+")")
	}
	r.add("accounts", levelOK, exitOK, "%s; scripts select one with workos.<account>.fn", strings.Join(names, ", "))
	for _, u := range res.Unusable {
		r.add("accounts", levelWarning, exitOK, "%s (rename it: kosmo-lua auth remove, then auth set under another name)", u)
	}
	return nil
}

// testCall makes one account's test call.
func testCall(ctx context.Context, rt *runtime.Runtime, account string, isDefault bool) *DoctorTest {
	ctx, cancel := context.WithTimeout(ctx, doctorTestTimeout)
	defer cancel()
	if isDefault {
		account = ""
	}
	t := &DoctorTest{Function: doctorTestFunction}
	cr, err := rt.CallAccount(ctx, account, doctorTestFunction, map[string]any{"limit": 1})
	if err != nil {
		t.Error = err.Error()
		return t
	}
	t.OK, t.Status, t.LatencyMS = cr.Success, cr.Meta.Status, cr.DurationMS
	if cr.Error != nil {
		t.Error = cr.Error.Kind + ": " + cr.Error.Message
	}
	return t
}

// addTestFinding records an account's test call.
func (r *DoctorReport) addTestFinding(a *DoctorAccount) {
	t := a.TestCall
	check := "test_call"
	if !a.Default {
		check = "test_call:" + a.Name
	}
	switch {
	case t.OK:
		r.add(check, levelOK, exitOK, "account %s: %s → %d in %.0f ms", a.Name, t.Function, *t.Status, t.LatencyMS)
	case t.Status != nil && (*t.Status == 401 || *t.Status == 403):
		r.add(check, levelError, exitAuth, "account %s: the API at %s rejected the key (%d): %s", a.Name, a.BaseURL, *t.Status, redact(t.Error))
		switch {
		case !a.Default || r.Credentials.Source == "account":
			r.NextCommands = append(r.NextCommands, fmt.Sprintf("kosmo-lua auth set --account %s   # save a valid key (read from stdin)", a.Name))
		default:
			r.NextCommands = append(r.NextCommands, "export WORKOS_API_KEY=sk_...   # a valid key (or save one with kosmo-lua auth set)")
		}
	default:
		r.add(check, levelError, exitError, "account %s: the test call failed: %s", a.Name, redact(t.Error))
		if a.Default {
			r.NextCommands = append(r.NextCommands, "kosmo-lua auth test   # retry once the API is reachable")
		} else {
			r.NextCommands = append(r.NextCommands, fmt.Sprintf("kosmo-lua auth test --account %s   # retry once the API is reachable", a.Name))
		}
	}
}

// finish sets the exit code from the worst finding and the next commands.
func (r *DoctorReport) finish() {
	// Severity, not the number, orders the codes: no working key (4) is
	// worse than a failed call (1).
	severity := map[exitCode]int{exitOK: 0, exitError: 1, exitAuth: 2}
	worst := exitOK
	for _, f := range r.Findings {
		if c := exitCode(f.ExitCode); severity[c] > severity[worst] {
			worst = c
		}
	}
	r.ExitCode, r.OK = int(worst), worst == exitOK
	if !r.OK {
		if len(r.Accounts) > 0 {
			r.NextCommands = append(r.NextCommands, "kosmo-lua doctor")
		}
		return
	}
	r.NextCommands = append(r.NextCommands,
		"kosmo-lua functions                 # what scripts can call",
		"kosmo-lua run -e 'return workos.organizations_list{limit = 1}'")
	if len(r.Accounts) > 1 {
		r.NextCommands = append(r.NextCommands, fmt.Sprintf("kosmo-lua run -e 'return workos.%s.organizations_list{limit = 1}'", r.Accounts[1].Name))
	}
	r.NextCommands = append(r.NextCommands, "kosmo-lua mcp config --client claude  # serve it to an agent")
}

// text is the report for people.
func (r *DoctorReport) text() string {
	var b strings.Builder
	b.WriteString("kosmo-lua doctor\n")
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "  [%s] %s: %s\n", f.Level, f.Check, f.Message)
	}
	fmt.Fprintf(&b, "  [ok] catalog: %d operations, from the WorkOS OpenAPI specification with SHA-256 %.12s\n", r.Catalog.Operations, r.Catalog.SpecSHA256)
	if len(r.NextCommands) > 0 {
		b.WriteString("Next:\n")
		for _, c := range r.NextCommands {
			b.WriteString("  " + c + "\n")
		}
	}
	return b.String()
}

// isLoopbackURL reports a URL on this machine (a local emulator).
func isLoopbackURL(u string) bool {
	for _, p := range []string{"http://127.", "http://localhost", "http://[::1]"} {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}
