package mcptools

import (
	"context"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// ListTTL is the freshness hint (ttlMs, protocol 2026-07-28) on server/discover
// and the list results. They are fixed for the life of a server process, so
// clients may keep them this long; a redeploy with other flags is seen
// within it.
const ListTTL = 5 * time.Minute

// The cacheScope values of protocol 2026-07-28.
const (
	cacheScopePublic  = "public"
	cacheScopePrivate = "private"
)

// setCacheable is the server's [mcp.ServerOptions.SetCacheable]. The tool
// list, docs and discovery result depend only on the server's flags, never on
// who asks, so they are public. A stored result (resources/read) is one
// caller's data: private, fresh only while the store keeps it (its handler
// sets the TTL). It must not call back into the server.
func setCacheable(_ context.Context, req mcp.Request, c *mcp.Cacheable) {
	if _, ok := req.(*mcp.ReadResourceRequest); ok {
		c.CacheScope = cacheScopePrivate
		return
	}
	if c.TTLMs == 0 {
		c.TTLMs = int(ListTTL / time.Millisecond)
	}
	if c.CacheScope == "" {
		c.CacheScope = cacheScopePublic
	}
}
