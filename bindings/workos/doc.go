// Package workos is the `workos` Lua module ([Module]) whose functions scripts
// call: one function per catalog operation plus paginate, list_all, batch,
// call, describe and functions. Its calls go to a [Caller]: [api.Executor] in
// the same process, or a broker in another (the runtime's host). Arguments,
// validation, errors and dry runs are bindings/api's; this package turns them
// into Lua values and error tables.
//
// # The Lua module
//
// [Module.Preload] registers `workos` for require, as a global, and as
// app.integrations.workos (KosmoKrator's path; app.integrations.workos.default
// is the same table). workos.<canonical name>, workos.<seed name>
// (workos_organizations_list) and unambiguous KosmoKrator title aliases
// (get_organization) are the same function; an ambiguous alias or an unknown
// name raises an error with the candidates or the closest names. Functions are
// made on first access through a metatable __index and cached, so an unused
// function costs nothing. The module table is read-only (assigning raises) and
// its metatable is protected.
//
// Calling conventions:
//
//	workos.organizations_list({limit = 10, order = "asc"})
//	workos.organizations_find("org_123")                      -- positional
//	workos.organizations_update_organization("org_123", {name = "Acme"})
//	workos.audit_log_events_create{organization_id = "org_1", event = {...}, idempotency_key = "..."}
//
// Positional arguments map, as in KosmoKrator, by declaration order: path
// parameters in template order, then query and header parameters in spec order,
// then the body (a table in that position is the body).
//
// Results are the decoded JSON (lua/luajson): arrays stay arrays (also empty
// ones), objects stay objects, JSON null becomes nil (so
// `until not page.list_metadata.after` ends a loop), integers stay integers
// (beyond 2^53 they are exact strings). An empty body gives
// {success = true, status = 204} (KosmoKrator's shape), a redirect
// {success = true, status = 302, location = "..."}, a body that is not JSON
// {body = "...", status = N}.
//
// A failed call raises a Lua error whose value is a table: kind ("api_error",
// "network_error", "validation_error", "response_too_large",
// "unknown_function", "canceled", "denied", the Kind() of an Authorize
// error, or "error" for what fits none of them: a list response without a data
// array or with a cursor that does not advance, a panic inside a batch call),
// message, text (the full message, also what tostring gives; `..`
// concatenates it), function, method, path, line (the script line of the call),
// and per kind: status, code, error, error_description, errors (array of
// {field, code, message, property, constraints}), request_id, retry_after
// (seconds), retries and extra body members for API errors; param, problem and
// hint for validation errors; attempts for network errors; candidates or
// suggestions for unknown functions. So `local ok, err = pcall(...)` gives
// err.status and err.code; an uncaught error reaches Go as
// *lua.ApiError whose Object is this table.
//
// Helpers:
//
//	for org in workos.paginate("organizations_list", {limit = 100}, {max_items = 500, max_pages = 10}) do ... end
//	local all, next_after = workos.list_all("organizations_list", {}, {max_pages = 5})
//	local res = workos.batch({{"organizations_find", {id = "a"}}, {fn = "organizations_find", args = {id = "b"}}}, {concurrency = 8})
//	workos.call("organizations_find", {id = "a"})
//	workos.describe("organizations_find")     -- params, body fields, must_use_body, example, ...
//	workos.functions("organization")          -- or {query = "...", access = "read", paginated = true}
//	workos.null                               -- json.null
//
// paginate and list_all follow list_metadata.after and ask for 100 items per
// page unless the script sets limit. With max_items the last page asks only for
// the items still allowed (limit = min(limit, max_items - collected)), so a
// walk ends exactly at the cap. list_all's second result is the cursor to
// resume from when max_items or max_pages stopped it (the page's
// list_metadata cursor, or the id of the last item returned when a server
// answered a longer page than asked), nil only when the list is exhausted.
// Given before (instead of after), the walk goes backwards from that cursor:
// it sends before, follows list_metadata.before, and returns the items
// nearest the cursor first (WorkOS lists a before page in the requested order,
// so with asc and desc each page is read from its end; with normal, whose
// cursors are reversed, it already starts next to the cursor). list_all's
// cursor is then a before cursor. Giving both after and before is a
// validation error. A list_metadata cursor that repeats the one just sent
// raises (kind "error") rather than looping. The name may also be a workos
// function value.
//
// Misusing a helper is a validation_error with a hint, never a bare Lua error:
// a name that is neither a string nor a workos function (workos.call(42)),
// arguments that are not a table (workos.call("organizations_list", 1)), a
// batch that is not an array, a batch item that is not a table or names no
// function (param "calls[i]"), options that are not a table.
//
// An empty Lua table is the JSON array [] (lua/luajson), but a body value whose
// schema wants an object and not an array is sent as {}: metadata = {} works
// for an object field, domains = {} for an array field, at the top level
// (the field's catalog type) and nested (the body's JSON Schema: properties,
// patternProperties, additionalProperties, items, prefixItems, allOf, anyOf,
// oneOf). A value that may be either stays [].
//
// batch converts every call to Go values on the Lua goroutine, runs them
// concurrently on Go goroutines while the VM waits (gopher-lua stays
// single-threaded), and converts the results back in order:
// {ok = true, value = ...} or {ok = false, error = <the table pcall gives>}.
// Its default concurrency is [DefaultBatchConcurrency] (32): high enough
// that a batch of 100 slow calls takes a few rounds, not dozens
// (BenchmarkBatch100), and low enough that its in-flight requests stay well
// inside WorkOS's rate limit; any 429 is retried with its Retry-After. Scripts may pass {concurrency = n}, clamped
// to 1..[MaxBatchConcurrency]; the default transport keeps 64 idle connections
// per host so a batch reuses them.
//
// # Hooks
//
// [Module.Authorize] runs after validation and before every request (each
// batch item too); its error refuses the call. [Module.Observe] receives a
// [api.CallRecord] after every call, refused and invalid ones included (Status 0):
// also calls whose arguments were rejected before a request could be prepared
// (not a table, not convertible) and batch items that did not start because
// the script was canceled. What names no function (an unknown name, a batch
// item that is not a table or has no name) is not a call and is not observed.
// During workos.batch both are called from several goroutines at once, so they
// must be safe for concurrent use.
package workos
