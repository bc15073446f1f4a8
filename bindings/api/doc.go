// Package api calls the WorkOS API: an HTTP executor ([Client]) driven by the
// operation catalog (bindings/catalog), with argument validation, retries,
// typed errors and dry runs. It knows nothing of Lua (the `workos` Lua module
// in bindings/workos calls it through [Executor]) and is the only package that
// imports go-retryablehttp.
//
// # Client
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
package api
