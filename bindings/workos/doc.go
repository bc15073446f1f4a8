// Package workos calls the WorkOS API: an HTTP executor ([Client]) driven by the
// operation catalog (bindings/catalog), and the `workos` Lua module ([Module])
// whose functions scripts call. It is the only package that imports
// go-retryablehttp.
//
// # Executor
//
// [NewClient] takes an [Options] struct whose zero values are documented
// defaults. [Client.Prepare] validates one flat argument map for an operation
// and builds a [Request] without sending it (the CLI and MCP layers reuse it);
// [Client.Send] sends it; [Client.Do] does both.
//
//   - Auth: "Authorization: Bearer <APIKey>" for api_key operations, nothing
//     for the public ones (auth none), and the caller's access_token argument
//     for access_token operations (sso_get_profile).
//   - Requests: path parameters are escaped (an empty one is a validation
//     error); query arrays are repeated keys, or comma-joined when the spec
//     says explode: false (every array parameter of the WorkOS spec does);
//     booleans are true/false; bodies are JSON, DELETE bodies too; integers stay
//     integers. Redirects are not followed: a 3xx is the result.
//   - Retries, like the official SDKs: up to [Options.MaxRetries] (3) retries
//     on 429, 408, 5xx (not 501/505) and network errors, exponential backoff
//     with jitter, Retry-After honoured (seconds or HTTP date, capped at
//     [Options.MaxRetryAfter]), the context honoured while sleeping. GET, PUT
//     and DELETE are retried; a POST only with an Idempotency-Key. The client
//     generates one UUID v4 per logical POST and sends the same key on every
//     attempt; a caller may pass its own idempotency_key (the spec's header
//     parameter on audit_log_events_create is the same argument). A PATCH is
//     retried only with a caller's key.
//   - Limits: [Options.Timeout] per attempt, [Options.MaxResponseBytes] per
//     response (*[ResponseTooLargeError]).
//
// # Arguments
//
// One map (one Lua table). Path, query and header parameters are top-level keys:
// snake_case of the spec's name (organizationId → organization_id), the spec's
// own spelling accepted too. Body fields may be top-level or under
// body = {...} (KosmoKrator style), but not both. A body field whose name is
// also a parameter key (slug in authorization_role_permissions_add_permission)
// must go under body; workos.describe lists these as must_use_body. When such
// a field is shadowed by a query parameter (sso_token, whose spec wants the same
// values in the query and the body) it takes the parameter's value unless
// given under body. Reserved keys: idempotency_key (POST, PATCH) and
// access_token (access_token operations). A required body that the caller
// leaves empty is sent as {}. json.null (luajson.Null) sends an explicit null.
//
// Before any request, the arguments are checked: unknown keys (naming the key,
// the closest valid one and all valid ones), every missing required argument at
// once, types, enums and bounds, mutually exclusive groups (body and
// parameter), the oneOf variant chosen by a discriminator (authenticate's
// grant_type: an unknown value lists the valid ones; a missing field of the
// chosen variant is named), and finally the whole body against the operation's
// JSON Schema (compiled once per operation, on first use, cached in the
// [Validator]), whose most specific error is reported with its JSON path
// (body.domain_data[2].state). Each problem is a *[ValidationError].
//
// # Errors
//
// Non-2xx answers are *[APIError], filled from every WorkOS body shape
// ({message}, {code, message}, {message, errors: [{field, code}]}, CORS
// {errors: [{property, constraints}]}, OAuth {error, error_description}, an
// empty body, a bare string such as "Ratelimited"; other members such as
// pending_authentication_token are kept in Extra). Its message reads
// "workos: 404 not_found: Organization not found (request_id: req_…)".
// Requests that got no answer are *[NetworkError]; both are told apart with
// errors.As and by Kind(). The API key (and an access token) is redacted from
// every error, log record and dry-run record, even when the server echoes it.
//
// # Dry run
//
// With [Options.DryRun], read operations are sent and every write or
// destructive one is recorded instead ([DryRunRecord]: method, URL, headers
// with "Authorization: Bearer [REDACTED]", body). Scripts get
// {dry_run = true, function = name, request = {method, url, headers, body}}.
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
// Its default concurrency is [DefaultBatchConcurrency] (32): a batch of 100
// calls at 20 ms latency takes about 4 rounds (~80 ms; the benchmark target is
// 150 ms, which 8 could not meet: 13 rounds, ≥ 260 ms), while 32 in-flight
// requests stay well inside WorkOS's 6,000 requests per minute and any 429 is
// retried with its Retry-After. Scripts may pass {concurrency = n}, clamped
// to 1..[MaxBatchConcurrency]; the default transport keeps 64 idle connections
// per host so a batch reuses them.
//
// # Hooks
//
// [Module.Authorize] runs after validation and before every request (each
// batch item too); its error refuses the call. [Module.Observe] receives a
// [CallRecord] after every call, refused and invalid ones included (Status 0):
// also calls whose arguments were rejected before a request could be prepared
// (not a table, not convertible) and batch items that did not start because
// the script was canceled. What names no function (an unknown name, a batch
// item that is not a table or has no name) is not a call and is not observed.
// During workos.batch both are called from several goroutines at once, so they
// must be safe for concurrent use.
package workos
