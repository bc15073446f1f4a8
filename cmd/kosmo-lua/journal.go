package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime"
	"github.com/kosmo-lua/kosmo-lua/runtime/journal"
)

// JournalOptions are the inputs of `kosmo-lua journal`.
type JournalOptions struct {
	IO *IOStreams
	// Path returns the journal database's path.
	Path func() (string, error)
	// Now is the clock --since counts back from.
	Now func() time.Time

	// Since is --since: a duration back from now ("24h") or a time
	// (RFC 3339 or a date); "" lists everything.
	Since string
	JSON  bool
}

func newCmdJournal(f *Factory, runF func(context.Context, *JournalOptions) error) *cobra.Command {
	opts := &JournalOptions{IO: f.IOStreams, Path: f.journalPath, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "journal [--since DUR|TIME] [--json]",
		Short: "List the runs that wrote to WorkOS, with each write and who approved it",
		Long: `List the journal: every run, apply and call that sent a write, oldest first,
with its time, account, script digest, plan digest (for an apply) and outcome,
and each write with its request id, outcome and who approved it (policy: the
write policy allowed it; terminal: a person at the prompt; elicitation: an MCP
client's user; plan: a reviewed plan). The journal is an SQLite database in
$XDG_STATE_HOME/kosmo-lua/journal.db; it never holds API keys, results or logs.`,
		Example: `  kosmo-lua journal --since 24h
  kosmo-lua journal --since 2026-12-01 --json`,
		Args: argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runJournal(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "", "Only runs since `DUR|TIME`: a duration back from now (24h, 30m) or a time (2026-12-01, RFC 3339)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the entries as a JSON array")
	return cmd
}

// parseSince reads --since.
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, flagErrorf("--since %q is neither a duration (24h, 30m) nor a time (2026-12-01, 2026-12-01T15:04:05Z)", s)
}

func runJournal(ctx context.Context, opts *JournalOptions) error {
	since, err := parseSince(opts.Since, opts.Now())
	if err != nil {
		return err
	}
	path, err := opts.Path()
	if err != nil {
		return err
	}
	entries := []runtime.JournalEntry{}
	if journal.Exists(path) {
		db, err := journal.Open(path)
		if err != nil {
			return err
		}
		defer db.Close()
		if entries, err = db.Entries(ctx, since); err != nil {
			return err
		}
		if entries == nil {
			entries = []runtime.JournalEntry{}
		}
	}
	if opts.JSON || !opts.IO.IsStdoutTTY() {
		return writeJSON(opts.IO.Out, entries, opts.IO.IsStdoutTTY())
	}
	printJournal(opts.IO.Out, entries)
	return nil
}

// printJournal lists entries for people.
func printJournal(w io.Writer, entries []runtime.JournalEntry) {
	if len(entries) == 0 {
		fmt.Fprintln(w, "no runs that wrote are recorded")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, e := range entries {
		plan := ""
		if e.PlanDigest != "" {
			plan = "plan " + shortDigest(e.PlanDigest)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s %s\n", e.Time.Local().Format(time.RFC3339), e.Kind, e.Account, e.Script, e.Outcome, shortDigest(e.ScriptDigest), plan)
		for i, x := range e.Writes {
			by := x.ApprovedBy
			if by == "" {
				by = "-"
			}
			status := ""
			if x.Status != 0 {
				status = fmt.Sprint(x.Status)
			}
			fmt.Fprintf(tw, "  %d.\t%s\t%s\t%s %s\tapproved: %s\t%s\n", i+1, x.Function, x.Account, x.Outcome, status, by, strings.TrimSpace(x.RequestID))
		}
	}
	tw.Flush()
}

// shortDigest keeps a digest's algorithm and 12 hex digits.
func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}
