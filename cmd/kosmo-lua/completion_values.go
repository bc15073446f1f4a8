package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// registerValueCompletions completes the values of the flags that take one
// of a few words (--write, --access, --client, --tools, --output, --scope)
// and --account (the names of the accounts file), on every command that
// has them. Commands registering their own completion keep it.
func registerValueCompletions(root *cobra.Command, f *Factory) {
	fixed := map[string][]string{
		"write":  {"allow", "deny"},
		"access": {"read", "write", "destructive"},
		"client": mcpClientNames(),
		"tools":  {"code", "functions", "all"},
		"output": {outputJSON, outputTable, outputRaw},
		"scope":  {"project", "user"},
	}
	for _, c := range allCommandsOf(root) {
		for name, words := range fixed {
			if c.Flags().Lookup(name) == nil {
				continue
			}
			if _, ok := c.GetFlagCompletionFunc(name); ok {
				continue
			}
			_ = c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(words, cobra.ShellCompDirectiveNoFileComp))
		}
		if c.Flags().Lookup("account") != nil {
			if _, ok := c.GetFlagCompletionFunc("account"); !ok {
				_ = c.RegisterFlagCompletionFunc("account", f.completeAccounts)
			}
		}
	}
}

// completeAccounts lists the accounts of the accounts file (never their
// keys); an unreadable file completes nothing.
func (f *Factory) completeAccounts(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	cf, _, err := f.Config()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, name := range cf.Names() {
		if strings.HasPrefix(name, toComplete) {
			out = append(out, name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// allCommandsOf is c and its descendants.
func allCommandsOf(c *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{c}
	for _, s := range c.Commands() {
		out = append(out, allCommandsOf(s)...)
	}
	return out
}
