package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime/mcptools"
)

// MCPResultOptions are the flags of `mcp` about big results.
type MCPResultOptions struct {
	// Links is --result-links: auto (or empty), always or never.
	Links string
	// TTL is --result-ttl; zero keeps the default.
	TTL Duration
	// StoreBytes is --result-store; zero keeps the default.
	StoreBytes ByteSize
}

// addResultFlags registers the big-result flags of `mcp`.
func (o *MCPResultOptions) addResultFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.Links, "result-links", "", "When a result over --max-result-bytes is kept whole as the resource kosmo://results/<id> next to its summary: auto (the default: stdio and HTTP sessions, not sessionless 2026-07-28 HTTP requests, which may reach another replica), always (one replica, or a load balancer with affinity) or never")
	cmd.Flags().Var(&o.TTL, "result-ttl", "How long a kept result can be read (default 10m)")
	cmd.Flags().Var(&o.StoreBytes, "result-store", "Memory for kept results, per process; the oldest go first (default 64MiB)")
}

// validate checks the flag values.
func (o *MCPResultOptions) validate() error {
	if _, err := mcptools.ParseLinkMode(o.Links); err != nil {
		return flagErrorf("--result-links must be auto, always or never, not %q", o.Links)
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
}
