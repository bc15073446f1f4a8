package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newCmdRoot builds the command tree.
func newCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "kosmo-lua <command>",
		Short: "Drive the WorkOS API with small sandboxed Lua scripts",
		Long: `kosmo-lua runs small Lua scripts that call the whole WorkOS API (212 functions,
workos.<name>{...}) inside a sandbox with hard limits, and prints one JSON result.

Stdout carries JSON only when it is not a terminal; logs and errors go to stderr.
Exit codes: 0 success, 1 script or API error, 2 usage error, 3 limit exceeded
(timeout, memory, calls, output), 4 no credentials or authentication failed,
5 denied by the write policy, 130 interrupted.

Credentials: --api-key, --account NAME, $WORKOS_API_KEY, then the default account
saved with 'kosmo-lua auth set'. --emulate needs none.`,
		Example: `  # Run a script against the built-in emulator (no account needed)
  kosmo-lua run --emulate -e 'return workos.organizations_list{limit = 2}'

  # Find and read the documentation of a function
  kosmo-lua search "list users in an organization"
  kosmo-lua describe organizations_create

  # One call without Lua, read-only
  kosmo-lua call organizations_list --limit 5 --write deny`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       f.Version,
	}
	root.SetVersionTemplate("kosmo-lua {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &FlagError{err: suggestFlag(c, err)} })
	root.CompletionOptions.HiddenDefaultCmd = false
	addVerboseFlag(root, f)

	root.AddGroup(
		&cobra.Group{ID: "run", Title: "Running scripts and calls:"},
		&cobra.Group{ID: "docs", Title: "Discovering functions:"},
		&cobra.Group{ID: "setup", Title: "Setup and servers:"},
	)
	for _, c := range []*cobra.Command{newCmdRun(f, nil), newCmdREPL(f, nil), newCmdCall(f, nil), newCmdApply(f, nil), newCmdJournal(f, nil)} {
		c.GroupID = "run"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{newCmdFunctions(f, nil), newCmdDescribe(f, nil), newCmdDocs(f, nil), newCmdSearch(f, nil), newCmdTypes(f, nil)} {
		c.GroupID = "docs"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{newCmdAuth(f), newCmdDoctor(f, nil), newCmdEmulate(f, nil), newCmdMCP(f)} {
		c.GroupID = "setup"
		root.AddCommand(c)
	}
	root.AddCommand(newCmdVersion(f))
	root.AddCommand(newHelpTopics()...)
	registerValueCompletions(root, f) // completion_values.go
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = `  # bash (current shell, then permanently)
  source <(kosmo-lua completion bash)
  kosmo-lua completion bash > /etc/bash_completion.d/kosmo-lua

  # zsh
  kosmo-lua completion zsh > "${fpath[1]}/_kosmo-lua"

  # fish
  kosmo-lua completion fish > ~/.config/fish/completions/kosmo-lua.fish`
		}
	}
	return root
}

// noArgs is cobra.NoArgs returning a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return flagErrorf("%s takes no arguments, got %d", cmd.CommandPath(), len(args))
	}
	return nil
}

// argsRange is cobra.RangeArgs returning a usage error.
func argsRange(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			if min == max {
				return flagErrorf("%s takes %d argument(s), got %d", cmd.CommandPath(), min, len(args))
			}
			return flagErrorf("%s takes %d to %d arguments, got %d", cmd.CommandPath(), min, max, len(args))
		}
		return nil
	}
}

// suggestFlag adds "did you mean --NAME?" to an unknown-flag error when one
// of c's flags is within two edits of the name given.
func suggestFlag(c *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok || c == nil {
		return err
	}
	var names []string
	visit := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	c.Flags().VisitAll(visit)
	c.InheritedFlags().VisitAll(visit)
	best := nearestName(name, names)
	if best == "" {
		return err
	}
	return fmt.Errorf("%w; did you mean --%s?", err, best)
}
