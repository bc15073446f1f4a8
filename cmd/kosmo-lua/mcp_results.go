package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime/mcptools"
)

// MCPResultOptions are the flags of `mcp` about results: their format and
// the big ones kept whole.
type MCPResultOptions struct {
	// Links is --result-links: auto (or empty), always or never.
	Links string
	// TTL is --result-ttl; zero keeps the default.
	TTL Duration
	// StoreBytes is --result-store; zero keeps the default.
	StoreBytes ByteSize
	// Format is --result-format: text (or empty), structured or both.
	Format string
}

// addResultFlags registers the big-result flags of `mcp`.
func (o *MCPResultOptions) addResultFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.Links, "result-links", "", "When a result over --max-result-bytes is kept whole as the resource kosmo://results/<id> next to its summary: auto (the default: stdio and HTTP sessions, not sessionless 2026-07-28 HTTP requests, which may reach another replica), always (one replica, or a load balancer with affinity) or never")
	cmd.Flags().Var(&o.TTL, "result-ttl", "How long a kept result can be read (default 10m)")
	cmd.Flags().StringVar(&o.Format, "result-format", "", "How execute_lua returns its envelope: text (the default and the smallest: content only, which every client reads), structured (structuredContent plus one line of text) or both")
	cmd.Flags().Var(&o.StoreBytes, "result-store", "Memory for kept results, per process; the oldest go first (default 64MiB)")
}

// validate checks the flag values.
func (o *MCPResultOptions) validate() error {
	if _, err := mcptools.ParseLinkMode(o.Links); err != nil {
		return flagErrorf("--result-links must be auto, always or never, not %q", o.Links)
	}
	if o.Format != "" {
		if _, err := mcptools.ParseResultFormat(o.Format); err != nil {
			return flagErrorf("--result-format must be text, structured or both, not %q", o.Format)
		}
	}
	if o.TTL < 0 || o.StoreBytes < 0 {
		return flagErrorf("--result-ttl and --result-store must be positive")
	}
	return nil
}

// apply sets the server options from the flags.
func (o *MCPResultOptions) apply(so *mcptools.Options) {
	so.ResultLinks, _ = mcptools.ParseLinkMode(o.Links)
	so.ResultTTL = time.Duration(o.TTL)
	so.ResultStoreBytes = int(o.StoreBytes)
	so.ResultFormat = mcptools.FormatText
	if o.Format != "" {
		so.ResultFormat, _ = mcptools.ParseResultFormat(o.Format)
	}
}
