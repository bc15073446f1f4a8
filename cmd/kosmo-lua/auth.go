package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// AuthOptions are the inputs of the `kosmo-lua auth` subcommands.
type AuthOptions struct {
	IO *IOStreams
	// Config loads the account file and returns its path (Factory.Config).
	Config func() (*config.File, string, error)
	// Save writes the account file (config.Save).
	Save func(string, *config.File) error
	// Runtime builds the runtime for `auth test` (Factory.Runtime).
	Runtime func(*RuntimeFlags) (*runtime.Runtime, *Resolved, error)

	// Account is --account; empty means the default account.
	Account string
	// BaseURL and Write are the account settings `auth set` stores.
	BaseURL string
	Write   string
	// Destructive is the account's policy for destructive functions.
	Destructive string
	// MakeDefault makes the account the default (`auth set --default`).
	MakeDefault bool
	// JSON forces JSON output.
	JSON bool
	// Flags are the credential flags of `auth test`.
	Flags RuntimeFlags
}

func newCmdAuth(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth <command>",
		Short: "Manage named WorkOS accounts (API keys)",
		Long: `Manage named WorkOS accounts stored in $XDG_CONFIG_HOME/kosmo-lua/config.json
(mode 0600; kosmo-lua refuses to read it when group or others can).

Keys are read from stdin or a no-echo prompt, never from the command line.
Which key a command uses: --api-key, then --account NAME, then $WORKOS_API_KEY,
then the default account. Each account may set its own base URL and write policy
(write deny cannot be widened by --write allow).`,
		Example: `  # Save a key (prompted without echo, or piped)
  kosmo-lua auth set --account prod --write deny
  printf %s "$KEY" | kosmo-lua auth set --account staging --base-url http://127.0.0.1:4100

  kosmo-lua auth list
  kosmo-lua auth test --account prod
  kosmo-lua auth remove --account staging`,
		Args: noArgs,
	}
	cmd.AddCommand(newCmdAuthSet(f, nil), newCmdAuthList(f, nil), newCmdAuthRemove(f, nil), newCmdAuthDefault(f), newCmdAuthTest(f, nil))
	return cmd
}

func newAuthOptions(f *Factory) *AuthOptions {
	return &AuthOptions{IO: f.IOStreams, Config: f.Config, Save: config.Save, Runtime: f.Runtime}
}

func newCmdAuthSet(f *Factory, runF func(*AuthOptions) error) *cobra.Command {
	opts := newAuthOptions(f)
	cmd := &cobra.Command{
		Use:   "set [--account NAME]",
		Short: "Save an API key as a named account (key from stdin or a prompt)",
		Example: `  kosmo-lua auth set                      # prompts for the key, account "default"
  printf %s "$WORKOS_KEY" | kosmo-lua auth set --account ci --write deny`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, p := range []struct{ flag, v string }{{"--write", opts.Write}, {"--destructive", opts.Destructive}} {
				switch p.v {
				case "", "allow", "ask", "deny":
				default:
					return flagErrorf("%s must be allow, ask or deny, not %q", p.flag, p.v)
				}
			}
			if opts.Account != "" && !config.ValidName(opts.Account) {
				return flagErrorf("--account must be 1-64 letters, digits, '-', '_' or '.', not %q", opts.Account)
			}
			// Scripts select an account as workos.<name>: refuse names
			// that are already a function, a helper or a global there.
			if opts.Account != "" && opts.Account != config.DefaultAccountName {
				if err := runtime.CheckAccountName(opts.Account); err != nil {
					return flagErrorf("--account %s: %s", opts.Account, strings.TrimPrefix(err.Error(), "runtime: "))
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return authSetRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Account, "account", "", "Account name (default: the default account)")
	cmd.Flags().StringVar(&opts.BaseURL, "base-url", "", "Base URL for this account (e.g. an emulator)")
	cmd.Flags().StringVar(&opts.Write, "write", "", "Write policy for this account: allow, ask or deny")
	cmd.Flags().StringVar(&opts.Destructive, "destructive", "", "Policy for this account's destructive functions: allow, ask or deny (default: as --write)")
	cmd.Flags().BoolVar(&opts.MakeDefault, "default", false, "Make this the default account")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

// readKey reads the API key from a no-echo prompt (terminal) or stdin.
func (o *AuthOptions) readKey() (string, error) {
	var key string
	if o.IO.IsStdinTTY() {
		if !o.IO.CanPrompt() {
			return "", flagErrorf("cannot prompt for the key: pipe it on stdin, e.g. printf %%s \"$KEY\" | kosmo-lua auth set")
		}
		k, err := o.IO.ReadSecret("WorkOS API key (input hidden): ")
		if err != nil {
			return "", fmt.Errorf("reading the key: %w", err)
		}
		key = k
	} else {
		sc := bufio.NewScanner(o.IO.In)
		sc.Buffer(make([]byte, 4096), 1<<16)
		if sc.Scan() {
			key = sc.Text()
		}
		if err := sc.Err(); err != nil {
			return "", fmt.Errorf("reading the key from stdin: %w", err)
		}
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return "", flagErrorf("no API key given: pipe it on stdin (printf %%s \"$KEY\" | kosmo-lua auth set) or run in a terminal to be prompted")
	}
	if strings.ContainsAny(key, " \t") {
		return "", flagErrorf("the API key must not contain spaces")
	}
	return key, nil
}

func authSetRun(opts *AuthOptions) error {
	cf, path, err := opts.Config()
	if err != nil {
		return err
	}
	key, err := opts.readKey()
	if err != nil {
		return err
	}
	if !strings.HasPrefix(key, "sk_") {
		fmt.Fprintln(opts.IO.ErrOut, "warning: WorkOS secret keys start with sk_; saving it anyway")
	}
	name := opts.Account
	if name == "" {
		name = cf.DefaultName()
	}
	cf.Accounts[name] = &config.Account{APIKey: key, BaseURL: opts.BaseURL, Write: opts.Write, Destructive: opts.Destructive}
	if opts.MakeDefault || len(cf.Accounts) == 1 {
		cf.DefaultAccount = name
	}
	if err := opts.Save(path, cf); err != nil {
		return err
	}
	isDefault := cf.DefaultName() == name
	if opts.JSON || !opts.IO.IsStdoutTTY() {
		return writeJSON(opts.IO.Out, map[string]any{"account": name, "key": config.Mask(key), "path": path, "default": isDefault}, false)
	}
	fmt.Fprintf(opts.IO.Out, "Saved account %q (%s) to %s", name, config.Mask(key), path)
	if isDefault {
		fmt.Fprint(opts.IO.Out, " as the default")
	}
	fmt.Fprintf(opts.IO.Out, ".\nCheck it with: kosmo-lua auth test --account %s\n", name)
	return nil
}

// AccountSummary is one row of `auth list`; the key is masked.
type AccountSummary struct {
	Name    string `json:"name"`
	Key     string `json:"key"`
	BaseURL string `json:"base_url,omitempty"`
	Write   string `json:"write,omitempty"`
	// Destructive is the saved destructive policy ("" follows Write).
	Destructive string `json:"destructive,omitempty"`
	Default     bool   `json:"default"`
}

func newCmdAuthList(f *Factory, runF func(*AuthOptions) error) *cobra.Command {
	opts := newAuthOptions(f)
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List saved accounts (keys masked)",
		Example: "  kosmo-lua auth list\n  kosmo-lua auth list --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return authListRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

func authListRun(opts *AuthOptions) error {
	cf, path, err := opts.Config()
	if err != nil {
		return err
	}
	rows := []AccountSummary{}
	for _, n := range cf.Names() {
		a := cf.Accounts[n]
		rows = append(rows, AccountSummary{Name: n, Key: config.Mask(a.APIKey), BaseURL: a.BaseURL, Write: a.Write, Destructive: a.Destructive, Default: n == cf.DefaultName()})
	}
	if opts.JSON || !opts.IO.IsStdoutTTY() {
		return writeJSON(opts.IO.Out, rows, false)
	}
	if len(rows) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "No accounts in %s. Add one with: kosmo-lua auth set\n", path)
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tKEY\tBASE URL\tWRITE\tDEFAULT")
	for _, r := range rows {
		d := ""
		if r.Default {
			d = "*"
		}
		write := r.Write
		if r.Destructive != "" {
			write += " (destructive " + r.Destructive + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Key, r.BaseURL, write, d)
	}
	return tw.Flush()
}

func newCmdAuthRemove(f *Factory, runF func(*AuthOptions) error) *cobra.Command {
	opts := newAuthOptions(f)
	cmd := &cobra.Command{
		Use:     "remove [--account NAME]",
		Short:   "Remove a saved account",
		Example: "  kosmo-lua auth remove --account staging",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return authRemoveRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Account, "account", "", "Account name (default: the default account)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

func authRemoveRun(opts *AuthOptions) error {
	cf, path, err := opts.Config()
	if err != nil {
		return err
	}
	_, name, ok := cf.Account(opts.Account)
	if !ok {
		return fmt.Errorf("no account %q in %s (see 'kosmo-lua auth list')", name, path)
	}
	wasDefault := cf.DefaultName() == name
	delete(cf.Accounts, name)
	if cf.DefaultAccount == name {
		cf.DefaultAccount = ""
	}
	if err := opts.Save(path, cf); err != nil {
		return err
	}
	// The default after the removal: the file's choice, or the account
	// named "default" when the file makes none; nil when neither exists.
	var dflt *string
	if _, n, ok := cf.Account(""); ok {
		dflt = &n
	}
	if opts.JSON || !opts.IO.IsStdoutTTY() {
		return writeJSON(opts.IO.Out, map[string]any{"removed": name, "default": dflt}, false)
	}
	fmt.Fprintf(opts.IO.Out, "Removed account %q.\n", name)
	switch {
	case !wasDefault:
	case dflt != nil:
		fmt.Fprintf(opts.IO.Out, "It was the default; the default is now %q.\n", *dflt)
	case len(cf.Accounts) > 0:
		fmt.Fprintf(opts.IO.Out, "It was the default; no account is the default now: pick one with 'kosmo-lua auth default NAME' (accounts: %s).\n", strings.Join(cf.Names(), ", "))
	default:
		fmt.Fprintln(opts.IO.Out, "It was the default and the last account; save one with 'kosmo-lua auth set'.")
	}
	return nil
}

func newCmdAuthDefault(f *Factory) *cobra.Command {
	opts := newAuthOptions(f)
	cmd := &cobra.Command{
		Use:     "default NAME",
		Short:   "Make a saved account the default (no key is asked for)",
		Example: "  kosmo-lua auth default prod",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return authDefaultRun(opts, args[0])
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

// authDefaultRun makes the saved account name the default one.
func authDefaultRun(opts *AuthOptions, name string) error {
	cf, path, err := opts.Config()
	if err != nil {
		return err
	}
	if _, ok := cf.Accounts[name]; !ok {
		return flagErrorf("no account %q in %s (accounts: %s); save it first with 'kosmo-lua auth set --account %s'", name, path, strings.Join(cf.Names(), ", "), name)
	}
	cf.DefaultAccount = name
	if err := opts.Save(path, cf); err != nil {
		return err
	}
	if opts.JSON || !opts.IO.IsStdoutTTY() {
		return writeJSON(opts.IO.Out, map[string]any{"default": name}, false)
	}
	fmt.Fprintf(opts.IO.Out, "The default account is now %q.\n", name)
	return nil
}

// AuthTestResult is what `auth test` prints.
type AuthTestResult struct {
	OK        bool   `json:"ok"`
	Account   string `json:"account,omitempty"`
	KeySource string `json:"key_source"`
	// KeyFrom says where the key came from in words: --api-key,
	// $WORKOS_API_KEY, or the account and the accounts file.
	KeyFrom    string              `json:"key_from"`
	ConfigPath string              `json:"config_path,omitempty"`
	BaseURL    string              `json:"base_url"`
	Write      string              `json:"write"`
	Error      *runtime.ErrorInfo  `json:"error,omitempty"`
	Call       *runtime.CallResult `json:"-"`
}

func newCmdAuthTest(f *Factory, runF func(context.Context, *AuthOptions) error) *cobra.Command {
	opts := newAuthOptions(f)
	cmd := &cobra.Command{
		Use:   "test [--account NAME]",
		Short: "Check credentials with one read call (organizations_list limit 1)",
		Long: `Check that the resolved credentials work by calling organizations_list with
limit 1. Exits 0 when the API accepts the key, 4 when there is no key or the API
answers 401, 1 for other failures.`,
		Example: "  kosmo-lua auth test\n  kosmo-lua auth test --account prod\n  kosmo-lua auth test --emulate",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return authTestRun(cmd.Context(), opts)
		},
	}
	opts.Flags.AddCredentialFlags(cmd.Flags())
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

func authTestRun(ctx context.Context, opts *AuthOptions) error {
	rt, res, err := opts.Runtime(&opts.Flags)
	if err != nil {
		return err
	}
	defer rt.Close()
	cr, err := rt.Call(ctx, "organizations_list", map[string]any{"limit": 1})
	if err != nil {
		return err
	}
	out := AuthTestResult{OK: cr.Success, Account: res.Account, KeySource: res.KeySource, KeyFrom: keyOrigin(res), BaseURL: res.BaseURL, Write: string(res.Write), Error: cr.Error}
	if res.KeySource == "account" {
		out.ConfigPath = res.ConfigPath
	}
	code := exitCodeFor(cr.Outcome(), cr.Error)
	if opts.JSON || !opts.IO.IsStdoutTTY() {
		if err := writeJSON(opts.IO.Out, out, false); err != nil {
			return err
		}
	} else if out.OK {
		fmt.Fprintf(opts.IO.Out, "OK: the API at %s accepted the key from %s.\n", out.BaseURL, out.KeyFrom)
	}
	if code == exitOK {
		return nil
	}
	msg := fmt.Sprintf("the key from %s failed at %s\n", out.KeyFrom, out.BaseURL) + formatError(cr.Error, "", res)
	fmt.Fprint(opts.IO.ErrOut, msg)
	return &ExitError{Code: code}
}

// isConfigPermission reports a config file refused for its permissions.
func isConfigPermission(err error) bool {
	var pe *config.PermissionError
	return errors.As(err, &pe)
}
