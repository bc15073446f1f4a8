package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// CallOptions are the inputs of `kosmo-lua call`.
type CallOptions struct {
	IO *IOStreams
	// Runtime builds the runtime from the flags (Factory.Runtime).
	Runtime func(*RuntimeFlags) (*runtime.Runtime, *Resolved, error)
	// Catalog is the operation catalog used to resolve names and coerce flags.
	Catalog *catalog.Catalog

	Flags RuntimeFlags
	// Name is the function name (canonical, seed or title alias).
	Name string
	// Payload is the JSON object argument; "-" reads stdin. Empty: none.
	Payload string
	// Params are the --key value arguments, in command-line order.
	Params []ParamArg
}

// ParamArg is one --key value (or --arg key=value) argument of `call`.
type ParamArg struct {
	// Key is the argument key with kebab-case turned into snake_case.
	Key string
	// Value is the raw text; HasValue is false for a bare --flag.
	Value    string
	HasValue bool
}

func newCmdCall(f *Factory, runF func(context.Context, *CallOptions) error) *cobra.Command {
	opts := &CallOptions{IO: f.IOStreams, Runtime: f.Runtime}
	cmd := &cobra.Command{
		Use:   "call NAME [JSON] [--key value ...]",
		Short: "Call one WorkOS function without Lua",
		Long: `Call one WorkOS function and print the call envelope:
  {function, success, data, error, meta{dry_run, operation, access, account}, duration_ms}

Arguments come from a JSON object (argument, "-" for stdin, or piped stdin when
no other arguments are given) and from --key value flags, which override it.
Flag values are converted by the parameter's type in the catalog, never guessed:
--limit 5 becomes an integer, --id 00123 stays a string, --flag alone is true for
boolean parameters, arrays take JSON ('["a","b"]') or repeated flags, objects
take JSON. Kebab-case keys become snake_case (--organization-id). Use
--arg key=value for a key that collides with one of call's own flags.

See the parameters with 'kosmo-lua describe NAME'.`,
		Example: `  kosmo-lua call organizations_list --limit 5 --emulate
  kosmo-lua call organization_domains_get --id org_domain_01H...
  kosmo-lua call organizations_create '{"name":"Acme","domains":["acme.com"]}' --dry-run
  echo '{"limit": 1}' | kosmo-lua call organizations_list --emulate`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			help, err := opts.parseArgs(cmd, args)
			if err != nil {
				return opts.failBeforeCall(cmd, err)
			}
			if help {
				return cmd.Help()
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return callRun(cmd, opts)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			// Flag parsing is off, so call's own flags' values (--account,
			// --write) are completed here.
			if n := len(args); n > 0 && strings.HasPrefix(args[n-1], "--") && cmd.Flags().Lookup(args[n-1][2:]) != nil {
				if fn, ok := cmd.GetFlagCompletionFunc(args[n-1][2:]); ok {
					return fn(cmd, args, toComplete)
				}
			}
			return completeCallArgs(opts.catalog(), args, toComplete)
		},
	}
	opts.Flags.AddCredentialFlags(cmd.Flags())
	opts.Flags.AddPolicyFlags(cmd.Flags())
	opts.Flags.AddLimitFlags(cmd.Flags())
	var envelope bool
	cmd.Flags().BoolVar(&envelope, "json", false, "Accepted for compatibility: call always prints the JSON envelope")
	return cmd
}

// parseArgs splits the raw command line into call's own flags, the positional
// NAME and JSON, and the function's --key value arguments.
func (o *CallOptions) parseArgs(cmd *cobra.Command, args []string) (help bool, err error) {
	var own, positional []string
	o.Params = nil
	// Flag parsing is disabled, so the root's flags (--verbose) are added here.
	cmd.Flags().AddFlagSet(cmd.InheritedFlags())
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			positional = append(positional, args[i+1:]...)
			i = len(args)
		case a == "-h" || a == "--help":
			return true, nil
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name, val, hasEq := strings.Cut(a[2:], "=")
			if fl := cmd.Flags().Lookup(name); fl != nil {
				own = append(own, a)
				if !hasEq && fl.NoOptDefVal == "" {
					if i+1 >= len(args) {
						return false, flagErrorf("flag --%s needs a value", name)
					}
					i++
					own = append(own, args[i])
				}
				continue
			}
			if !hasEq && i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
				val, hasEq = args[i+1], true
				i++
			}
			if name == "arg" {
				k, v, ok := strings.Cut(val, "=")
				if !hasEq || !ok || k == "" {
					return false, flagErrorf("--arg values must use key=value syntax")
				}
				o.Params = append(o.Params, ParamArg{Key: snakeKey(k), Value: v, HasValue: true})
				continue
			}
			o.Params = append(o.Params, ParamArg{Key: snakeKey(name), Value: val, HasValue: hasEq})
		case a == "-v":
			own = append(own, a)
		case strings.HasPrefix(a, "-") && a != "-":
			return false, flagErrorf("unknown shorthand flag %q: call's arguments are --key value", a)
		default:
			positional = append(positional, a)
		}
	}
	if err := cmd.Flags().Parse(own); err != nil {
		return false, &FlagError{err: err}
	}
	switch len(positional) {
	case 0:
		return false, flagErrorf("call needs a function NAME (find one with 'kosmo-lua search QUERY')")
	case 1:
		o.Name = positional[0]
	case 2:
		o.Name, o.Payload = positional[0], positional[1]
	default:
		return false, flagErrorf("call takes NAME and at most one JSON payload, got %d arguments", len(positional))
	}
	return false, nil
}

// snakeKey turns --organization-id into organization_id.
func snakeKey(k string) string { return strings.ReplaceAll(k, "-", "_") }

// argType is the schema type of a function argument.
type argType struct {
	Type     string // string, integer, number, boolean, array, object (maybe "|null")
	ItemType string
}

// argTypes returns every argument key a function accepts with its type.
func argTypes(op *catalog.Operation) map[string]argType {
	m := map[string]argType{}
	if op.Body != nil {
		for _, f := range op.Body.Fields {
			m[f.Name] = argType{Type: f.Type, ItemType: f.ItemType}
		}
	}
	for _, p := range op.Params { // parameters win over shadowed body fields
		m[p.Key] = argType{Type: p.Type, ItemType: p.ItemType}
	}
	return m
}

// coerce converts a flag value by its schema type.
func coerce(key string, t argType, raw string, hasValue bool) (any, error) {
	base, nullable := strings.CutSuffix(t.Type, "|null")
	if nullable && hasValue && raw == "null" {
		return nil, nil
	}
	if !hasValue {
		if base == "boolean" {
			return true, nil
		}
		return nil, flagErrorf("--%s needs a value (type %s)", key, t.Type)
	}
	switch base {
	case "integer":
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, flagErrorf("--%s must be an integer, not %q", key, raw)
		}
		return n, nil
	case "number":
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, flagErrorf("--%s must be a number, not %q", key, raw)
		}
		return n, nil
	case "boolean":
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, flagErrorf("--%s must be true or false, not %q", key, raw)
		}
		return b, nil
	case "object":
		var v map[string]any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, flagErrorf("--%s must be a JSON object, e.g. '{\"k\":\"v\"}': %v", key, err)
		}
		return v, nil
	case "array":
		if strings.HasPrefix(strings.TrimSpace(raw), "[") {
			var v []any
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				return nil, flagErrorf("--%s must be a JSON array or repeated values: %v", key, err)
			}
			return v, nil
		}
		item, err := coerce(key, argType{Type: t.ItemType}, raw, true)
		if err != nil {
			return nil, err
		}
		return []any{item}, nil
	}
	return raw, nil // string and untyped values stay text
}

// arguments merges the payload and the flags into the call's argument object.
func (o *CallOptions) arguments(op *catalog.Operation) (map[string]any, error) {
	args := map[string]any{}
	payload := o.Payload
	if payload == "-" || (payload == "" && len(o.Params) == 0 && o.IO.StdinPiped()) {
		b, err := io.ReadAll(o.IO.In)
		if err != nil {
			return nil, fmt.Errorf("reading the JSON payload from stdin: %w", err)
		}
		payload = string(b)
	}
	if strings.TrimSpace(payload) != "" {
		if err := json.Unmarshal([]byte(payload), &args); err != nil || args == nil {
			return nil, flagErrorf("the JSON payload must decode to an object, e.g. '{\"limit\": 5}'")
		}
	}
	types := argTypes(op)
	fromFlags := map[string]bool{}
	for _, p := range o.Params {
		t, ok := types[p.Key]
		if !ok {
			keys := make([]string, 0, len(types))
			for k := range types {
				keys = append(keys, "--"+strings.ReplaceAll(k, "_", "-"))
			}
			sort.Strings(keys)
			valid := "it takes no arguments"
			if len(keys) > 0 {
				valid = "valid: " + strings.Join(keys, ", ")
			}
			if near := nearestName(p.Key, slices.Collect(maps.Keys(types))); near != "" {
				valid = "did you mean --" + strings.ReplaceAll(near, "_", "-") + "? " + valid
			}
			return nil, flagErrorf("workos.%s has no argument %q (%s; see 'kosmo-lua describe %s')", op.Name, p.Key, valid, op.Name)
		}
		v, err := coerce(strings.ReplaceAll(p.Key, "_", "-"), t, p.Value, p.HasValue)
		if err != nil {
			return nil, err
		}
		if strings.TrimSuffix(t.Type, "|null") == "array" && fromFlags[p.Key] {
			if prev, ok := args[p.Key].([]any); ok {
				if items, ok := v.([]any); ok {
					v = append(prev, items...)
				}
			}
		}
		args[p.Key] = v
		fromFlags[p.Key] = true
	}
	return args, nil
}

func callRun(cmd *cobra.Command, opts *CallOptions) error {
	ctx := cmd.Context()
	op, err := opts.catalog().Lookup(opts.Name)
	if err != nil {
		var le *catalog.LookupError
		if errors.As(err, &le) {
			err = &FlagError{err: err}
		}
		return opts.failBeforeCall(cmd, err)
	}
	args, err := opts.arguments(op)
	if err != nil {
		return opts.failBeforeCall(cmd, err)
	}
	rt, resolved, err := opts.Runtime(&opts.Flags)
	if err != nil {
		return opts.failBeforeCall(cmd, err)
	}
	defer rt.Close()
	cr, err := rt.Call(withTerminalApprover(ctx, opts.IO), op.Name, args)
	if err != nil {
		return err
	}
	if err := writeJSON(opts.IO.Out, cr, opts.IO.IsStdoutTTY()); err != nil {
		return err
	}
	code := exitCodeFor(cr.Outcome(), cr.Error)
	if cr.Error != nil && cr.Error.Kind == runtime.KindValidation {
		// call's arguments are its command line: a value the function
		// refuses (nothing was sent) is a usage error, like --limit abc.
		code = exitUsage
	}
	if code == exitOK {
		return nil
	}
	fmt.Fprint(opts.IO.ErrOut, formatError(cr.Error, "", resolved))
	return &ExitError{Code: code}
}

// completeCallArgs completes function names, then the function's --keys.
func completeCallArgs(cat *catalog.Catalog, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var name string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			name = a
			break
		}
	}
	if name == "" && !strings.HasPrefix(toComplete, "-") {
		var out []string
		for _, n := range cat.Names() {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	if name == "" {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	op, err := cat.Lookup(name)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for k, t := range argTypes(op) {
		flag := "--" + strings.ReplaceAll(k, "_", "-")
		if strings.HasPrefix(flag, toComplete) {
			out = append(out, flag+"\t"+t.Type)
		}
	}
	sort.Strings(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// catalog returns the Catalog, or the default one, loaded on first use so that
// building the command tree parses nothing.
func (o *CallOptions) catalog() *catalog.Catalog {
	if o.Catalog == nil {
		o.Catalog = catalog.Default()
	}
	return o.Catalog
}

// nearestName returns the candidate within two edits of name (the first
// in sorted order on a tie), or "" when none is that close. Flag and
// argument suggestions share it.
func nearestName(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := catalog.EditDistance(name, c); d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	return best
}
