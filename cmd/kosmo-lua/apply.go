package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// ApplyOptions are the inputs of `kosmo-lua apply`.
type ApplyOptions struct {
	IO *IOStreams
	// Runtime builds the runtime from the flags (Factory.Runtime).
	Runtime func(*RuntimeFlags) (*runtime.Runtime, *Resolved, error)
	// ReadFile reads the plan and the planned script (os.ReadFile).
	ReadFile func(string) ([]byte, error)

	Flags RuntimeFlags
	// PlanFile is the plan's path, "-" for stdin.
	PlanFile string
	// JSON prints the whole result envelope.
	JSON bool
}

func newCmdApply(f *Factory, runF func(context.Context, *ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{IO: f.IOStreams, Runtime: f.Runtime, ReadFile: os.ReadFile}
	cmd := &cobra.Command{
		Use:   "apply PLANFILE",
		Short: "Run a reviewed plan for real: exactly its writes",
		Long: `Apply a plan made by 'kosmo-lua run FILE --plan': run its script for real and
send exactly the planned writes, in order, with the placeholders (org_plan_1)
bound to the ids the real writes return. A write the plan does not hold stops
the run before it is sent. Writes carry idempotency keys derived from the plan.

PLANFILE is the plan on stdout of --plan (or a --json envelope holding one);
"-" reads it from stdin. The plan must verify with this installation's plan key
($XDG_STATE_HOME/kosmo-lua/plan.key, or $KOSMO_LUA_PLAN_KEY_FILE), must not have
expired, and must be applied with the account it was planned with. When the
plan names its script file, that file is read again and must be unchanged.

Exit codes: 0 applied, 1 script or API error, 3 limit exceeded, 4 no
credentials or 401, 5 refused (the plan does not verify, expired, the script
changed, or the run departed from the plan).`,
		Example: `  kosmo-lua run onboard.lua --args '{"name":"Umbrella Corp"}' --plan > plan.json
  kosmo-lua apply plan.json`,
		Args: argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.PlanFile = args[0]
			opts.Flags.Apply = true
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runApply(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the whole result envelope as JSON on stdout")
	opts.Flags.AddCredentialFlags(cmd.Flags())
	opts.Flags.AddLimitFlags(cmd.Flags())
	return cmd
}

func runApply(ctx context.Context, opts *ApplyOptions) error {
	plan, err := opts.readPlan()
	if err != nil {
		return err
	}
	s, err := opts.plannedScript(plan)
	if err != nil {
		return err
	}
	rt, resolved, err := opts.Runtime(&opts.Flags)
	if err != nil {
		return err
	}
	defer rt.Close()
	res, err := rt.Apply(ctx, plan, s)
	if err != nil {
		return err
	}
	if d := res.Apply; d != nil && d.Divergence != nil && !opts.JSON {
		printDivergence(opts.IO.ErrOut, d.Divergence)
	}
	if a := res.Apply; a != nil && res.OK && len(a.Unapplied) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "note: %d of %d planned writes were not made (steps %s): the script's reads came back differently than when it was planned\n",
			len(a.Unapplied), a.Planned, joinInts(a.Unapplied))
	}
	return printRunResult(opts.IO, res, plan.Script.Name, opts.JSON, resolved)
}

// readPlan reads PLANFILE: a plan, or an envelope holding one.
func (o *ApplyOptions) readPlan() (*runtime.Plan, error) {
	var (
		data []byte
		err  error
	)
	if o.PlanFile == "-" {
		data, err = io.ReadAll(o.IO.In)
	} else {
		data, err = o.ReadFile(o.PlanFile)
	}
	if err != nil {
		return nil, flagErrorf("cannot read the plan: %v", err)
	}
	var probe struct {
		Plan    *runtime.Plan   `json:"plan"`
		Writes  json.RawMessage `json:"writes"`
		Version int             `json:"version"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&probe); err != nil {
		return nil, flagErrorf("%s is not a plan (JSON: %v); make one with `kosmo-lua run FILE --plan > plan.json`", o.PlanFile, err)
	}
	if probe.Plan != nil {
		return probe.Plan, nil
	}
	if probe.Version == 0 || probe.Writes == nil {
		return nil, flagErrorf("%s is not a plan (no version and writes); make one with `kosmo-lua run FILE --plan > plan.json`", o.PlanFile)
	}
	var p runtime.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, flagErrorf("%s is not a plan: %v", o.PlanFile, err)
	}
	return &p, nil
}

// plannedScript is the script to apply: the planned file read again when
// the plan names one (the runtime refuses it if it changed), else the
// plan's own source.
func (o *ApplyOptions) plannedScript(p *runtime.Plan) (runtime.Script, error) {
	s := runtime.Script{Name: p.Script.Name}
	if p.Script.Path == "" {
		return s, nil
	}
	b, err := o.ReadFile(p.Script.Path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(o.IO.ErrOut, "note: the planned script %s is gone; applying the source the plan holds\n", p.Script.Path)
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("cannot read the planned script: %w", err)
	}
	s.Source = string(b)
	if s.Source == "" {
		s.Source = " " // an emptied file is a changed script, not "use the plan's"
	}
	return s, nil
}

// printDivergence shows where the run departed from its plan.
func printDivergence(w io.Writer, d *runtime.Divergence) {
	if d.Expected != nil {
		fmt.Fprintf(w, "plan step %d expected: %s %s\n", d.Step, d.Expected.Function, d.Expected.Arguments)
	}
	fmt.Fprintf(w, "the script wrote:      %s %s\n", d.Got.Function, d.Got.Arguments)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
