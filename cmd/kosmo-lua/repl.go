package main

import (
	"context"

	"github.com/spf13/cobra"
)

// REPLOptions are the inputs of `kosmo-lua repl`.
type REPLOptions struct {
	IO    *IOStreams
	Flags RuntimeFlags
}

func newCmdREPL(f *Factory, runF func(context.Context, *REPLOptions) error) *cobra.Command {
	opts := &REPLOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "repl",
		Short: "Interactive Lua session with the workos module",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return nil
		},
	}
	opts.Flags.AddCredentialFlags(cmd.Flags())
	opts.Flags.AddPolicyFlags(cmd.Flags())
	opts.Flags.AddLimitFlags(cmd.Flags())
	return cmd
}
