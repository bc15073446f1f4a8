package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// runPlan is `kosmo-lua run --plan`: the run in plan mode. stdout gets the
// signed plan (the file `kosmo-lua apply` takes), or with --json the whole
// envelope with its plan; stderr the plan for people.
func runPlan(ctx context.Context, opts *RunOptions, rt *runtime.Runtime, s runtime.Script, resolved *Resolved) error {
	po := &runtime.PlanOptions{}
	if opts.File != "" && opts.File != "-" {
		if abs, err := filepath.Abs(opts.File); err == nil {
			po.ScriptPath = abs
		}
	}
	res, err := rt.Plan(ctx, s, po)
	if err != nil {
		return err
	}
	if !res.OK || res.Plan == nil {
		return printRunResult(opts.IO, res, s.Name, opts.JSON, resolved)
	}
	for _, l := range res.Logs {
		fmt.Fprintln(opts.IO.ErrOut, strings.TrimRight(l, "\n"))
	}
	printPlan(opts.IO.ErrOut, res.Plan)
	if opts.JSON {
		return writeJSON(opts.IO.Out, res, opts.IO.IsStdoutTTY())
	}
	return writeJSON(opts.IO.Out, res.Plan, opts.IO.IsStdoutTTY())
}

// printPlan lists a plan's writes for people.
func printPlan(w io.Writer, p *runtime.Plan) {
	if len(p.Writes) == 0 {
		fmt.Fprintln(w, "plan: no writes (the script only reads; its reads ran for real)")
		return
	}
	fmt.Fprintf(w, "plan: %d write(s) on account %s, valid until %s\n", len(p.Writes), p.Account.Name, p.ExpiresAt.Local().Format(time.RFC3339))
	for _, s := range p.Writes {
		mark := " "
		if s.Destructive {
			mark = "!"
		}
		fmt.Fprintf(w, "%s %2d. %s\n", mark, s.Step, s.Summary)
		var notes []string
		if len(s.Uses) > 0 {
			notes = append(notes, "uses "+strings.Join(s.Uses, ", "))
		}
		for _, c := range s.Creates {
			if c.Path == "id" {
				notes = append(notes, "returns "+c.ID)
			}
		}
		fmt.Fprintf(w, "      %s (%s)\n", s.Function, strings.Join(append([]string{s.Access}, notes...), "; "))
	}
	fmt.Fprintln(w, "save the plan (stdout) to a file, review it, then run: kosmo-lua apply PLANFILE")
}
