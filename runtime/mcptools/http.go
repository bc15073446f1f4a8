package mcptools

import (
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// HTTPSessionTimeout closes legacy HTTP sessions (protocol 2025-11-25 and
// earlier) idle for this long.
const HTTPSessionTimeout = 30 * time.Minute

// StatelessProtocolVersion is the first protocol revision without sessions:
// every request carries its version and capabilities, so any replica can
// answer it.
const StatelessProtocolVersion = "2026-07-28"

// protocolVersionHeader is the HTTP header a client sends its protocol
// revision in (on every request from 2026-07-28 on, after initialize before).
const protocolVersionHeader = "Mcp-Protocol-Version"

// HTTPOptions configure [HTTPHandlerWith]. The zero value is what
// [HTTPHandler] serves.
type HTTPOptions struct {
	// NoSessions serves the revisions before 2026-07-28 without sessions
	// too: every request stands alone, so those clients also need no
	// affinity behind a load balancer. They lose what a session carries: a
	// notifications/cancelled reaches no run (the run goes on to its
	// timeout), and their log level is not kept between requests. If
	// false, they get sessions.
	NoSessions bool
}

// HTTPHandler serves srv over MCP's streamable HTTP transport, every protocol
// revision the SDK supports (HTTPHandlerWith with no options):
//
//   - a request whose Mcp-Protocol-Version header is [StatelessProtocolVersion]
//     or later goes to a stateless handler: no session, nothing kept between
//     requests, so replicas behind a load balancer need no affinity. Closing
//     the request (the 2026-07-28 way to cancel) cancels the run.
//   - everything else (initialize and the requests of 2024-11-05 through
//     2025-11-25 clients) goes to a session handler: one session per client,
//     closed after [HTTPSessionTimeout] idle, identified by Mcp-Session-Id.
//     Behind a load balancer these clients need affinity on that header
//     (or [HTTPOptions.NoSessions]).
//
// Either way a request the client cancelled gets no response.
//
// The SDK rejects requests whose Host header is not local when the listener
// is on a loopback address (DNS-rebinding protection).
func HTTPHandler(srv *mcp.Server) http.Handler { return HTTPHandlerWith(srv, nil) }

// HTTPHandlerWith is [HTTPHandler] with options; nil means none.
func HTTPHandlerWith(srv *mcp.Server, opts *HTTPOptions) http.Handler {
	var o HTTPOptions
	if opts != nil {
		o = *opts
	}
	get := func(*http.Request) *mcp.Server { return srv }
	stateless := mcp.NewStreamableHTTPHandler(get, &mcp.StreamableHTTPOptions{
		Stateless:                    true,
		PropagateRequestCancellation: true,
	})
	if o.NoSessions {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			stateless.ServeHTTP(w, markSessionless(r))
		})
	}
	// Sessions answer cancelled requests unless filtered (see cancelFilter).
	sessions := newCancelFilter().httpFilter(mcp.NewStreamableHTTPHandler(get, &mcp.StreamableHTTPOptions{SessionTimeout: HTTPSessionTimeout}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Revisions are dates, so they order as strings.
		if v := r.Header.Get(protocolVersionHeader); v >= StatelessProtocolVersion {
			stateless.ServeHTTP(w, markSessionless(r))
			return
		}
		sessions.ServeHTTP(w, r)
	})
}
