// Package mcptools exposes a [runtime.Runtime] as an MCP server, built on the
// official Go SDK (github.com/modelcontextprotocol/go-sdk). It is the only
// package of kosmo-lua that imports the SDK.
//
//	rt, _ := runtime.New(&runtime.Options{APIKey: key, WritePolicy: runtime.WriteDeny})
//	srv := mcptools.NewServer(rt, &mcptools.Options{Tools: mcptools.ModeCode})
//	err := mcptools.ServeStdio(ctx, srv, os.Stdin, os.Stdout)
//
// # Code mode (the default)
//
// Four small tools, with KosmoKrator's names so agents' habits carry over, let a
// model discover the API and then run one Lua script that does the whole job:
//
//   - lua_list_docs {namespace?}: the function index, by group;
//   - lua_search_docs {query, limit?}: ranked matches with call signatures;
//   - lua_read_doc {page}: a function's reference, a group, or a guide
//     (overview, errors, pagination, batch, json, limits); an unknown page lists
//     the closest ones;
//   - execute_lua {code, args?, timeout_ms?, memoryLimit?, cpuLimit?}: runs the script through
//     [runtime.Runtime.Run] and returns the result envelope in
//     [Options.ResultFormat]: a compact text rendering (FormatText, the
//     smallest), structuredContent with one line of text (FormatStructured),
//     or both (FormatBoth, the zero value); isError is set unless the outcome
//     is "completed".
//
// The whole tools/list of code mode is kept small; TestToolsListSize holds it
// to its budget.
//
// # Big results
//
// A result over [Options.MaxResultBytes] comes back as a summary (its type,
// length, keys, first items) naming a resource, kosmo://results/<id>, which
// the tool result also links (resource_link). resources/read returns the full
// JSON for [Options.ResultTTL]; the server keeps at most
// [Options.ResultStoreBytes] of them and drops the oldest first. The store is
// in the server's memory, so with replicas a link is readable only from the
// replica that ran the script: [Options.ResultLinks] (LinksAuto) links over
// stdio and HTTP sessions, where the next request reaches the same process,
// and not for sessionless 2026-07-28 requests, which a load balancer may send
// elsewhere; LinksAlways is for one replica or a balancer with affinity.
// The runtime's own output cap still applies: a result over it is summarised
// by the runtime and not kept.
//
// # Per-function tools
//
// With [ModeFunctions] or [ModeAll], every catalog function the runtime's policy
// allows becomes one tool named by [ToolName] ("workos_organizations_list"). Its
// inputSchema takes the parameters and body fields at the top level, as the Lua
// module does, plus an optional body object; its outputSchema is the response
// schema (kept to three levels) when the response is an object. Annotations:
// readOnlyHint for reads, destructiveHint only for destructive functions,
// idempotentHint for GET, PUT and DELETE, openWorldHint always. A bare array
// result is wrapped as {items: [...]}; results are always JSON objects.
//
// # Policy and limits
//
// The runtime's write policy and Allow/Deny lists decide everything: refused
// functions are not listed as tools, not shown in the docs, and a script calling
// one fails with outcome "denied". A client can lower a run's timeout
// (timeout_ms, or KosmoKrator's cpuLimit in seconds) and memory limit
// (memoryLimit, bytes) but never raise a limit, and [Options.MaxResultBytes]
// only tightens the runtime's output cap. A per-function tool takes
// KosmoKrator's [AccountArgument] (not in its schema) to call a named account
// of the runtime, under that account's write policy.
//
// # Protocol
//
// The server speaks every revision the SDK supports, 2024-11-05 through
// 2026-07-28, over stdio ([ServeStdio]) and streamable HTTP ([HTTPHandler]).
// On 2026-07-28 there are no sessions: server/discover answers what
// initialize did, every request stands alone, and [HTTPHandler] serves it
// statelessly so replicas need no affinity; older revisions keep their
// initialize handshake and, over HTTP, their Mcp-Session-Id session.
// server/discover and the list results carry ttlMs ([ListTTL]) and
// cacheScope "public" (they depend only on the server's flags); tools/list is
// sorted by name. Logging to the client is deprecated from 2026-07-28 on; it
// is still offered for older clients, and the server's own log
// ([Options.Logger]) is the place to look.
//
// Tool calls run concurrently, each in its own sandbox (bounded by
// [Options.MaxConcurrent]). Cancelling a call (notifications/cancelled, or on
// 2026-07-28 over HTTP closing the request) cancels the context of the run,
// which stops the script at once, and the call gets no response. When a request carries
// a progress token, the call sends a progress notification every
// [Options.ProgressInterval] with the elapsed time; execute_lua's also give the
// number of WorkOS calls made so far and the last function called, and a WorkOS
// call sends one at once (at most one per [CallProgressInterval]). Each call's
// outcome is logged
// to the client (once it has set a log level) and to [Options.Logger].
package mcptools
