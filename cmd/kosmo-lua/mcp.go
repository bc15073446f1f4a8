package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newCmdMCP is a placeholder for the MCP server command; the MCP helper owns
// this file from now on.
func newCmdMCP(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:    "mcp",
		Short:  "Serve kosmo-lua as an MCP server over stdio",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return &ExitError{Code: exitUsage, Err: fmt.Errorf("mcp: not yet built")}
		},
	}
}
