package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// DocsOptions are the inputs of the documentation commands: functions,
// describe, docs, search and types.
type DocsOptions struct {
	IO      *IOStreams
	Catalog *catalog.Catalog
	Version string

	// Query filters functions (substring of name, alias or summary) or is the
	// search query.
	Query string
	// Name is describe's function or guide name, or docs' page.
	Name string
	// Access filters functions: read, write or destructive.
	Access string
	// Limit caps search results.
	Limit int
	// JSON forces JSON output (the default when stdout is not a terminal).
	JSON bool
	// Output is types' -o file; empty means stdout.
	Output string
	// WriteFile writes types' output file (os.WriteFile).
	WriteFile func(string, []byte, os.FileMode) error
}

func newDocsOptions(f *Factory) *DocsOptions {
	return &DocsOptions{IO: f.IOStreams, Version: f.Version, WriteFile: os.WriteFile}
}

// wantJSON says whether to print JSON: asked for, or stdout is not a terminal.
func (o *DocsOptions) wantJSON() bool { return o.JSON || !o.IO.IsStdoutTTY() }

// FunctionSummary is one row of `functions --json` and `search --json`.
type FunctionSummary struct {
	Name      string `json:"name"`
	Access    string `json:"access"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Summary   string `json:"summary"`
	Signature string `json:"signature"`
	Paginated bool   `json:"paginated,omitempty"`
	Score     int    `json:"score,omitempty"`
}

func summarize(op *catalog.Operation) FunctionSummary {
	return FunctionSummary{Name: op.Name, Access: string(op.Access), Method: op.Method, Path: op.Path,
		Summary: op.Summary, Signature: op.Signature(), Paginated: op.Paginated}
}

func newCmdFunctions(f *Factory, runF func(*DocsOptions) error) *cobra.Command {
	opts := newDocsOptions(f)
	cmd := &cobra.Command{
		Use:   "functions [QUERY]",
		Short: "List the WorkOS functions scripts can call",
		Long: `List every WorkOS function (workos.<name>) with its access class and summary.
QUERY keeps functions whose name, alias or summary contains it; for ranked
results use 'kosmo-lua search'.`,
		Example: `  kosmo-lua functions
  kosmo-lua functions organization --access read
  kosmo-lua functions --json | jq -r '.[].name'`,
		Args: argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Query = args[0]
			}
			switch opts.Access {
			case "", "read", "write", "destructive":
			default:
				return flagErrorf("--access must be read, write or destructive, not %q", opts.Access)
			}
			if runF != nil {
				return runF(opts)
			}
			return functionsRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Access, "access", "", "Only functions of this access class: read, write or destructive")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

func functionsRun(opts *DocsOptions) error {
	q := strings.ToLower(opts.Query)
	var rows []FunctionSummary
	for _, op := range opts.catalog().Operations() {
		if opts.Access != "" && string(op.Access) != opts.Access {
			continue
		}
		if q != "" && !strings.Contains(op.Name, q) && !strings.Contains(strings.ToLower(op.TitleAlias), q) &&
			!strings.Contains(strings.ToLower(op.Summary), q) && !strings.Contains(op.SeedName, q) {
			continue
		}
		rows = append(rows, summarize(op))
	}
	if opts.wantJSON() {
		if rows == nil {
			rows = []FunctionSummary{}
		}
		return writeJSON(opts.IO.Out, rows, opts.IO.IsStdoutTTY())
	}
	if len(rows) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "no functions match %q; try 'kosmo-lua search %s'\n", opts.Query, opts.Query)
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tACCESS\tSUMMARY")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Access, r.Summary)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%d functions. Details: kosmo-lua describe NAME\n", len(rows))
	return nil
}

func newCmdDescribe(f *Factory, runF func(*DocsOptions) error) *cobra.Command {
	opts := newDocsOptions(f)
	cmd := &cobra.Command{
		Use:   "describe NAME",
		Short: "Show a function's signature, parameters, body, response and an example (or a guide)",
		Long: `Show the reference of one WorkOS function: its Lua signature, parameters, body
fields, response shape, documented errors and an example call. NAME may be the
canonical name, the KosmoKrator seed name (workos_...) or an unambiguous title alias,
or a guide's name (kosmo-lua docs lists them: overview, errors, pagination ...).
With --json (or when stdout is not a terminal), the catalog record plus
"signature", "example_call" and "reference" (Markdown).`,
		Example: `  kosmo-lua describe organizations_create
  kosmo-lua describe validate_api_key --json`,
		Args: argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return describeRun(opts)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return completeCallArgs(opts.catalog(), nil, toComplete)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

// lookup resolves a function name; unknown or ambiguous names are usage errors.
func lookup(cat *catalog.Catalog, name string) (*catalog.Operation, error) {
	op, err := cat.Lookup(name)
	if err != nil {
		var le *catalog.LookupError
		if errors.As(err, &le) {
			return nil, &FlagError{err: err}
		}
		return nil, err
	}
	return op, nil
}

func describeRun(opts *DocsOptions) error {
	// Guides first, as lua_read_doc does: no function is named like one.
	if g := guideName(opts.Name); g != "" {
		return writeGuide(opts, g)
	}
	op, err := lookup(opts.catalog(), opts.Name)
	if fe, ok := err.(*FlagError); ok {
		return flagErrorf("%w; guides: %s (kosmo-lua docs lists them)", fe.err, strings.Join(runtime.GuideNames(), ", "))
	} else if err != nil {
		return err
	}
	if !opts.wantJSON() {
		_, err := fmt.Fprint(opts.IO.Out, op.Reference())
		return err
	}
	raw, err := json.Marshal(op)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	m["signature"] = op.Signature()
	m["example_call"] = op.ExampleCall()
	m["reference"] = op.Reference()
	return writeJSON(opts.IO.Out, m, opts.IO.IsStdoutTTY())
}

func newCmdSearch(f *Factory, runF func(*DocsOptions) error) *cobra.Command {
	opts := newDocsOptions(f)
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Find functions by what they do",
		Long: `Rank the WorkOS functions against QUERY over names, summaries, descriptions,
tags and parameter keys; best first.`,
		Example: `  kosmo-lua search "invite a user to an organization"
  kosmo-lua search audit log export --limit 3 --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return flagErrorf("search needs a QUERY, e.g. kosmo-lua search \"list users\"")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = strings.Join(args, " ")
			if opts.Limit < 1 {
				return flagErrorf("--limit must be at least 1")
			}
			if runF != nil {
				return runF(opts)
			}
			return searchRun(opts)
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", 10, "Maximum number of results")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

func searchRun(opts *DocsOptions) error {
	hits := opts.catalog().Search(opts.Query, opts.Limit)
	rows := make([]FunctionSummary, 0, len(hits))
	for _, h := range hits {
		s := summarize(h.Op)
		s.Score = h.Score
		rows = append(rows, s)
	}
	if opts.wantJSON() {
		return writeJSON(opts.IO.Out, rows, opts.IO.IsStdoutTTY())
	}
	if len(rows) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "nothing matches %q; list everything with 'kosmo-lua functions'\n", opts.Query)
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tACCESS\tSUMMARY")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Access, r.Summary)
	}
	return tw.Flush()
}

func newCmdTypes(f *Factory, runF func(*DocsOptions) error) *cobra.Command {
	opts := newDocsOptions(f)
	cmd := &cobra.Command{
		Use:   "types [-o FILE]",
		Short: "Print LuaLS definitions for editor autocompletion",
		Long: `Print a LuaLS "---@meta" definition file for the workos and json modules: one
argument class per function, one result class per response schema (list
results as {data: Item[], list_metadata}, enums as "a"|"b", nullable fields as
T|nil), typed @param/@return annotations and descriptions, so an editor
completes page.data[1].domains[1].state. Point your editor's Lua language
server at it with a .luarc.json such as:

  {"runtime.version": "Lua 5.1", "workspace.library": ["types/kosmo-lua.lua"],
   "diagnostics.globals": ["workos", "json", "args"]}`,
		Example: `  kosmo-lua types -o types/kosmo-lua.lua
  kosmo-lua types > kosmo-lua.d.lua`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return typesRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "Write to FILE instead of stdout")
	return cmd
}

func typesRun(opts *DocsOptions) error {
	text := workos.LuaLS(opts.catalog(), opts.Version)
	if opts.Output == "" {
		_, err := fmt.Fprint(opts.IO.Out, text)
		return err
	}
	if err := opts.WriteFile(opts.Output, []byte(text), 0o644); err != nil {
		return fmt.Errorf("types: %w", err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "wrote %s\n", opts.Output)
	return nil
}

// catalog returns the Catalog, or the default one, loaded on first use so that
// building the command tree parses nothing.
func (o *DocsOptions) catalog() *catalog.Catalog {
	if o.Catalog == nil {
		o.Catalog = catalog.Default()
	}
	return o.Catalog
}
