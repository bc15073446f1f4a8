package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// GuidePage is `docs PAGE --json` and `describe GUIDE --json`.
type GuidePage struct {
	Name string `json:"name"`
	Text string `json:"text"` // Markdown
}

// GuideSummary is one row of `docs --json`.
type GuideSummary struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

func newCmdDocs(f *Factory, runF func(*DocsOptions) error) *cobra.Command {
	opts := newDocsOptions(f)
	cmd := &cobra.Command{
		Use:   "docs [PAGE]",
		Short: "List the guides, or read a guide or a function's page",
		Long: `Without PAGE, list the code-mode guides (overview, errors, pagination, batch,
json, limits). With PAGE, print that guide, or the reference of the function of
that name (as describe does). These are the pages the MCP tool lua_read_doc, the
Lua docs.read and the REPL's :doc serve; limits show the defaults.
With --json (or when stdout is not a terminal), {"name", "text"} (or a list of
{"name", "title"}).`,
		Example: `  kosmo-lua docs
  kosmo-lua docs pagination
  kosmo-lua docs organizations_list`,
		Args: argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return docsRun(opts)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []string
			for _, g := range runtime.GuideNames() {
				if strings.HasPrefix(g, toComplete) {
					out = append(out, g)
				}
			}
			fns, _ := completeCallArgs(opts.catalog(), nil, toComplete)
			return append(out, fns...), cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}

func docsRun(opts *DocsOptions) error {
	if opts.Name == "" {
		var rows []GuideSummary
		for _, name := range runtime.GuideNames() {
			text, _ := runtime.Guide(name)
			title, _, _ := strings.Cut(text, "\n")
			rows = append(rows, GuideSummary{Name: name, Title: strings.TrimPrefix(title, "# ")})
		}
		if opts.wantJSON() {
			return writeJSON(opts.IO.Out, rows, opts.IO.IsStdoutTTY())
		}
		var b strings.Builder
		b.WriteString("Guides (kosmo-lua docs NAME):\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "  %-11s %s\n", r.Name, r.Title)
		}
		b.WriteString("Functions: kosmo-lua functions lists them, kosmo-lua search QUERY finds one, kosmo-lua docs NAME documents it.\n")
		_, err := fmt.Fprint(opts.IO.Out, b.String())
		return err
	}
	return describeRun(opts)
}

// guideName returns the guide that name means ("pagination", "Pagination "),
// or "".
func guideName(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, g := range runtime.GuideNames() {
		if n == g {
			return g
		}
	}
	return ""
}

// writeGuide prints guide name as Markdown or as a [GuidePage].
func writeGuide(opts *DocsOptions, name string) error {
	text, _ := runtime.Guide(name)
	if opts.wantJSON() {
		return writeJSON(opts.IO.Out, GuidePage{Name: name, Text: text}, opts.IO.IsStdoutTTY())
	}
	_, err := fmt.Fprint(opts.IO.Out, text)
	return err
}
