package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// RunOptions are the inputs of `kosmo-lua run`.
type RunOptions struct {
	IO *IOStreams
	// Runtime builds the runtime from the flags (Factory.Runtime).
	Runtime func(*RuntimeFlags) (*runtime.Runtime, *Resolved, error)
	// ReadFile reads a script file (os.ReadFile).
	ReadFile func(string) ([]byte, error)

	Flags RuntimeFlags
	// File is the script path, "-" for stdin, or "" when Code is used.
	File string
	// Code is the -e source; CodeSet says -e was given.
	Code    string
	CodeSet bool
	// ArgsJSON is --args, a JSON value visible to the script as `args`.
	ArgsJSON string
	// JSON prints the whole result envelope.
	JSON bool
	// Progress starts a long run's status line (progress.go); nil: none.
	Progress func() *progress
	// Output is --output: json (default), table or raw (output_format.go).
	Output string
}

func newCmdRun(f *Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{IO: f.IOStreams, Runtime: f.Runtime, ReadFile: os.ReadFile, Progress: f.progress}
	cmd := &cobra.Command{
		Use:   "run [FILE | -] [-e CODE]",
		Short: "Run a Lua script against the WorkOS API",
		Long: `Run a Lua script from FILE, from stdin ("-" or piped input) or inline (-e).

The script calls WorkOS functions as workos.<name>{...} (see 'kosmo-lua functions'),
reads its input from the global args (--args JSON) and returns its result.
Every other account of the accounts file is workos.<account>.<name>{...}, with
its own key and write policy (see 'kosmo-lua auth list' and 'kosmo-lua doctor').
KosmoKrator's helpers work too: regex.match/match_all/gsub ("/pattern/flags"),
dump(v), tostring of tables, and docs.list/search/read.

Output: the script's return value as JSON on stdout; print() output and errors on
stderr. With --json, the whole result envelope on stdout for every outcome:
  {ok, outcome, result, logs, error, effects, calls, stats}

Exit codes: 0 completed, 1 script or API error, 2 usage, 3 limit exceeded,
4 no credentials or 401, 5 denied by the write policy.`,
		Example: `  # Inline, against the built-in emulator
  kosmo-lua run --emulate -e 'return #workos.organizations_list{}.data'

  # A file with arguments, read-only, whole envelope
  kosmo-lua run report.lua --args '{"org":"org_123"}' --write deny --json

  # From stdin, dry run (writes recorded, not sent)
  cat onboard.lua | kosmo-lua run - --dry-run

  # Plan, review, apply: the same writes, not similar ones
  kosmo-lua run onboard.lua --plan > plan.json && kosmo-lua apply plan.json

  # Ask before every write (in a terminal; elsewhere ask denies)
  kosmo-lua run onboard.lua --write ask`,
		Args: argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			opts.CodeSet = cmd.Flags().Changed("eval")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Code, "eval", "e", "", "Lua `CODE` to run instead of a file")
	cmd.Flags().StringVar(&opts.ArgsJSON, "args", "", "`JSON` value given to the script as the global args (@FILE reads it from a file, - from stdin)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the whole result envelope as JSON on stdout")
	cmd.Flags().StringVar(&opts.Output, "output", "", "Result `FORMAT`: json (default), table (lists as columns, also into a pipe) or raw (a string without quotes)")
	cmd.Flags().BoolVar(&opts.Flags.Plan, "plan", false, "Plan: run reads, answer writes with planned objects, print the signed plan for 'kosmo-lua apply'")
	cmd.Flags().Var(&opts.Flags.PlanTTL, "plan-ttl", "How long the plan stays valid, e.g. 15m (default 15m)")
	opts.Flags.AddCredentialFlags(cmd.Flags())
	opts.Flags.AddPolicyFlags(cmd.Flags())
	opts.Flags.AddLimitFlags(cmd.Flags())
	return cmd
}

// scriptSource returns the script's name and source.
func (o *RunOptions) scriptSource() (name, src string, err error) {
	switch {
	case o.CodeSet && o.File != "":
		return "", "", flagErrorf("give either a FILE or -e CODE, not both")
	case o.CodeSet:
		if strings.TrimSpace(o.Code) == "" {
			return "", "", flagErrorf("-e needs Lua source, e.g. -e 'return 1'")
		}
		return "eval", o.Code, nil
	case o.scriptFromStdin():
		b, err := io.ReadAll(o.IO.In)
		if err != nil {
			return "", "", fmt.Errorf("reading the script from stdin: %w", err)
		}
		if strings.TrimSpace(string(b)) == "" {
			return "", "", flagErrorf("the script on stdin is empty")
		}
		src, err := scriptText("the script on stdin", b)
		return "stdin", src, err
	case o.File != "":
		b, err := o.ReadFile(o.File)
		if err != nil {
			return "", "", flagErrorf("cannot read script: %v", err)
		}
		src, err := scriptText(o.File, b)
		return filepath.Base(o.File), src, err
	}
	return "", "", flagErrorf("no script: pass a FILE, - (stdin) or -e CODE")
}

// scriptFromStdin reports whether the script comes from stdin.
func (o *RunOptions) scriptFromStdin() bool {
	return o.File == "-" || (o.File == "" && !o.CodeSet && o.IO.StdinPiped())
}

// scriptText checks that a script file is Lua source and turns a first line
// starting with "#" (a "#!" line, so scripts can be executable) into a
// comment, as the lua command does; line numbers stay the same.
func scriptText(what string, b []byte) (string, error) {
	head := b[:min(len(b), 8000)]
	if bytes.IndexByte(head, 0) >= 0 || bytes.HasPrefix(b, []byte("\x1bLua")) {
		return "", flagErrorf("%s is not a Lua script (binary data); pass Lua source text (precompiled chunks are not accepted)", what)
	}
	src := string(b)
	if strings.HasPrefix(src, "#") {
		src = "--" + src
	}
	return src, nil
}

// parseArgs decodes --args: a JSON value, @FILE for a file holding one, or
// - for stdin. Empty means nil.
func (o *RunOptions) parseArgs() (any, error) {
	s := o.ArgsJSON
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	from := "--args"
	switch {
	case s == "-":
		if o.scriptFromStdin() {
			return nil, flagErrorf("--args - and the script both want stdin; pass the script as a FILE or -e CODE, or the arguments as --args @FILE")
		}
		b, err := io.ReadAll(o.IO.In)
		if err != nil {
			return nil, fmt.Errorf("reading --args from stdin: %w", err)
		}
		s, from = string(b), "--args - (stdin)"
	case strings.HasPrefix(s, "@"):
		b, err := o.ReadFile(s[1:])
		if err != nil {
			return nil, flagErrorf("cannot read --args file: %v", err)
		}
		s, from = string(b), "--args file "+s[1:]
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, flagErrorf("%s must be valid JSON: %v", from, err)
	}
	return v, nil
}

func runRun(ctx context.Context, opts *RunOptions) error {
	if err := checkOutput(opts.Output); err != nil {
		return opts.failBeforeRun(err)
	}
	if opts.JSON && opts.Output != "" && opts.Output != outputJSON {
		return opts.failBeforeRun(flagErrorf("--json prints the whole envelope; it cannot be combined with --output %s", opts.Output))
	}
	name, src, err := opts.scriptSource()
	if err != nil {
		return opts.failBeforeRun(err)
	}
	args, err := opts.parseArgs()
	if err != nil {
		return opts.failBeforeRun(err)
	}
	rt, resolved, err := opts.Runtime(&opts.Flags)
	if err != nil {
		return opts.failBeforeRun(err)
	}
	defer rt.Close()
	if opts.Flags.Plan {
		return runPlan(withTerminalApprover(ctx, opts.IO), opts, rt, runtime.Script{Name: name, Source: src, Args: args}, resolved)
	}
	var p *progress
	if opts.Progress != nil {
		p = opts.Progress()
	}
	if a := terminalApprover(opts.IO); a != nil {
		ctx = runtime.WithApprover(ctx, p.pausedWhile(a))
	}
	res, err := rt.Run(ctx, runtime.Script{Name: name, Source: src, Args: args, OnCall: p.callHook()})
	p.stop()
	if err != nil {
		return err
	}
	return printRunResultAs(opts.IO, res, name, opts.JSON, resolved, opts.Output)
}

// Error kinds of an envelope for a run that could not start (--json only).
const (
	kindUsage         = "usage_error"
	kindNoCredentials = "no_credentials"
)

// failBeforeRun keeps --json's promise of an envelope on stdout for every
// outcome: when the run cannot start (bad flags or arguments, no credentials),
// it prints an error envelope, then returns err so the message goes to stderr
// and the exit code stays the same.
func (opts *RunOptions) failBeforeRun(err error) error {
	if !opts.JSON {
		return err
	}
	kind := kindUsage
	var nc *NoCredentialsError
	if errors.As(err, &nc) {
		kind = kindNoCredentials
	}
	res := &runtime.Result{
		Outcome: runtime.OutcomeError, Result: json.RawMessage("null"), Logs: []string{}, Calls: []runtime.CallInfo{},
		Error: &runtime.ErrorInfo{Kind: kind, Message: err.Error()},
	}
	if werr := writeJSON(opts.IO.Out, res, opts.IO.IsStdoutTTY()); werr != nil {
		return werr
	}
	return shown(err)
}

// printRunResult prints a run's result by the output rules and returns an
// *ExitError for any outcome but completed.
func printRunResult(ios *IOStreams, res *runtime.Result, name string, envelope bool, resolved *Resolved) error {
	return printRunResultAs(ios, res, name, envelope, resolved, "")
}

// printRunResultAs is printRunResult with the result in an --output format.
func printRunResultAs(ios *IOStreams, res *runtime.Result, name string, envelope bool, resolved *Resolved, format string) error {
	pretty := ios.IsStdoutTTY()
	if envelope {
		if err := writeJSON(ios.Out, res, pretty); err != nil {
			return err
		}
	} else {
		for _, l := range res.Logs {
			fmt.Fprintln(ios.ErrOut, strings.TrimRight(l, "\n"))
		}
		if res.OK {
			if err := writeResult(ios.Out, res.Result, format, pretty); err != nil {
				return err
			}
		}
	}
	code := exitCodeFor(res.Outcome, res.Error)
	if code == exitOK {
		return nil
	}
	fmt.Fprint(ios.ErrOut, formatError(res.Error, name, resolved))
	return &ExitError{Code: code}
}

// formatError renders an error envelope for people: kind and location, the
// message, API details and the hint, each on its own line.
func formatError(info *runtime.ErrorInfo, name string, res *Resolved) string {
	if info == nil {
		return "error: the run failed without an error description\n"
	}
	var b strings.Builder
	b.WriteString("error: " + info.Kind)
	if info.Line > 0 {
		if name == "" {
			name = "script"
		}
		fmt.Fprintf(&b, " at %s:%d", name, info.Line)
	}
	if info.Function != "" {
		fmt.Fprintf(&b, " in workos.%s", info.Function)
	}
	// gopher-lua starts messages with "chunk:line: "; the location is printed
	// above, so drop it — but only that exact prefix ("host:8080:" stays).
	msg := info.Message
	if info.Line > 0 {
		msg = strings.TrimPrefix(msg, fmt.Sprintf("%s:%d: ", name, info.Line))
	}
	b.WriteString(": " + msg + "\n")
	var api []string
	if info.Status != 0 {
		api = append(api, fmt.Sprintf("status %d", info.Status))
	}
	if info.Code != "" {
		api = append(api, "code "+info.Code)
	}
	if info.RequestID != "" {
		api = append(api, "request_id "+info.RequestID)
	}
	if len(api) > 0 {
		b.WriteString("  " + strings.Join(api, ", ") + "\n")
	}
	if hint := cliHint(info, res); hint != "" {
		b.WriteString("hint: " + hint + "\n")
	}
	return b.String()
}

// cliHint turns the runtime's host-neutral hint into what fixes the problem on
// the command line: the flag (or the saved account) behind the setting that
// stopped the run. res, when known, says how the run was configured.
func cliHint(info *runtime.ErrorInfo, res *Resolved) string {
	if res == nil {
		res = &Resolved{}
	}
	if info.Setting != nil {
		if h := settingHint(info, res); h != "" {
			return h
		}
	}
	// A validation message already ends with its fix; do not print it twice.
	if info.Hint != "" && strings.HasSuffix(info.Message, info.Hint) {
		return ""
	}
	return info.Hint
}

// settingHint names the flag or the account that sets info.Setting.
func settingHint(info *runtime.ErrorInfo, res *Resolved) string {
	st := info.Setting
	switch st.Name {
	case "WritePolicy", "DestructivePolicy":
		if h := askHint(info); h != "" {
			return h
		}
		fix := "run with --write allow, or use a read function"
		if st.Name == "DestructivePolicy" {
			return "--destructive deny refuses destructive functions: drop it or pass --destructive ask, or use another function"
		}
		if st.Account != "" && res.WriteFrom != "flag" {
			fix = fmt.Sprintf("the account %q is saved read-only (write deny): change it with `kosmo-lua auth set --account %s --write allow`, or write through another account", st.Account, st.Account)
		} else if res.WriteFrom == "account" {
			fix = fmt.Sprintf("the account %q is saved read-only (write deny): change it with `kosmo-lua auth set --account %s --write allow`, or use a read function", res.Account, res.Account)
		} else if res.WriteFrom == "flag" {
			fix = "--write deny refuses writes: drop it (or pass --write allow), or use a read function"
		}
		if res.DryRun {
			fix += "; --dry-run records writes instead of sending them, but the write policy is checked first"
		}
		return fix
	case "Deny":
		return fmt.Sprintf("%s matches --deny %s: remove that pattern to allow it", info.Function, st.Value)
	case "Allow":
		return fmt.Sprintf("%s is not in the --allow list: add --allow %s", info.Function, info.Function)
	case "Timeout":
		return info.Hint + " (--timeout, now " + st.Value + ")"
	case "MaxCalls":
		return info.Hint + " (--max-calls, now " + st.Value + ")"
	case "MemoryLimit":
		return info.Hint + " (--memory)"
	case "APIKey":
		if st.Account != "" {
			return fmt.Sprintf("the key of account %q was rejected: save a valid one with `kosmo-lua auth set --account %s` (read from stdin)", st.Account, st.Account)
		}
		return "the API key was rejected: set WORKOS_API_KEY, save one with `kosmo-lua auth set`, or choose another with --account"
	case "BaseURL":
		if res.BaseURL != "" {
			return fmt.Sprintf("the base URL %s is not the WorkOS API: fix --base-url, WORKOS_BASE_URL or the account's base_url (default %s)", res.BaseURL, runtime.DefaultBaseURL)
		}
		return "the base URL is not the WorkOS API: fix --base-url, WORKOS_BASE_URL or the account's base_url"
	case "Account":
		return fmt.Sprintf("no account %q is configured: add it with `kosmo-lua auth set --account %s` (the key is read from stdin), or use one listed by `kosmo-lua auth list`", st.Value, st.Value)
	}
	return ""
}
