// Package emulator is a local, stateful WorkOS API: an [http.Handler] that answers
// every operation of the catalog (bindings/catalog) the way WorkOS does, closely
// enough that the official SDKs, the workos Lua module and agents' scripts cannot
// tell the difference in normal workflows. `kosmo-lua emulate` and
// `kosmo-lua run --emulate` use it, and so does every integration test.
//
// # Use
//
//	e, err := emulator.New(nil)            // DefaultSeed, key sk_test_default
//	srv, err := e.Start(ctx, "127.0.0.1:0") // a real socket: srv.URL
//	hc := &http.Client{Transport: e.Transport()} // or in process, no socket
//
// [Emulator] itself is the handler (for httptest or another mux).
//
// # Behaviour
//
//   - Auth: "Authorization: Bearer <key>" with a key from [Options.APIKeys]
//     ([DefaultAPIKey] by default); otherwise 401 {"message", "code": "unauthorized"}.
//     The public operations (the browser authorize and logout redirects, sso_token,
//     sso_jwks, device authorization) need no key; sso_get_profile takes an SSO
//     access token issued by sso_token.
//   - Every operation in the catalog answers. Most are modelled statefully (README.md
//     lists them); the rest answer with a response synthesised from the spec's
//     response schema (its examples, consts and enums), echoing path parameters and
//     body fields. Every success body is projected onto the operation's response
//     schema, so it validates against the spec (TestValidationWalk checks all of them).
//   - WorkOS conventions: prefixed ULID-like ids that sort by creation (org_, user_,
//     om_, invitation_, ...), ISO 8601 timestamps from [Options.Clock], cursor
//     pagination (before/after, limit 1-100 default 10, order asc|desc|normal
//     default desc, list_metadata.after null on the last page), the list filters,
//     WorkOS's error bodies (404 with a code and the missing id, 422 with
//     errors[{field, code}], 409 conflicts, OAuth {error, error_description} on
//     authenticate and sso_token, {code, message} for authenticate's next steps),
//     and X-Request-ID on every response.
//   - Idempotency-Key on POST: the same key on the same route replays the first
//     response and creates nothing, whatever the body (the spec's rule);
//     [Options.StrictIdempotency] makes another body a 400 idempotency_key_reused.
//   - Events: every stateful mutation records an event. Types WorkOS documents are
//     listed by GET /events; emulator-only types (webhook_endpoint.created, ...) only
//     when asked for with events=<type>.
//   - Webhooks ([WebhookOptions]): each event is POSTed in the background to the
//     enabled endpoints subscribed to it, signed with WorkOS-Signature
//     ([SignWebhook]), retried with backoff, to loopback addresses only unless
//     allowed; GET /_emulate/webhooks lists the deliveries, DELETE empties the log.
//   - Faults ([Faults]): latency, a failure rate, connection resets, truncated or
//     malformed bodies, and a per-key rate limit answering 429 with Retry-After.
//   - Control endpoints (no key needed), compatible with workos/emulate:
//     POST /_emulate/reset; POST /_emulate/hooks {method, path, status, body, count,
//     rateLimit, headers} or {method, path, fault} with fault reset, reset_after,
//     truncate or malformed ([Hook]); GET /_emulate/hooks; DELETE
//     /_emulate/hooks/{id}; DELETE /_emulate/hooks. Hooks can be seeded too.
//     POST /_emulate/device {user_code, email, organization_id, deny} approves or
//     denies a device code ([Emulator.ApproveDevice]).
//   - Authenticate follows WorkOS's multi-step flows: a password sign-in of a user
//     with a verified TOTP factor answers 403 mfa_challenge (pending token,
//     authentication_factors, user), completed by the mfa-totp grant; a user with
//     more than one active membership and no organization chosen gets 403
//     organization_selection_required (pending token, organizations [{id, name}],
//     user), completed by the organization-selection grant. Device authorization
//     stores a code whose device_code grant answers authorization_pending (slow_down
//     within the 5 s interval, expired_token after 300 s, access_denied when denied)
//     until approved by [Emulator.ApproveDevice], POST /_emulate/device or
//     [Options.DeviceAutoApprove]. README.md has the details.
//   - Seed ([Seed], [DefaultSeed], [LoadSeed]) from JSON or YAML, validated against
//     [SeedSchema] (errors name each problem's path, [SeedError]), and an optional
//     state file ([Options.StateFile]) so a stopped emulator resumes.
//
// What the API cannot create — resource types, feature flags, directories with
// their users and groups, and SSO connections — comes from the seed.
//
// # Default seed
//
// Organizations Acme Corp (org_01HACME00000000000000000AC, external_id acme,
// domains acme.com verified and acme.io pending), Globex
// (org_01HGL0BEX000000000000000GX, globex.com) and Initech
// (org_01H1N1TECH00000000000000NT, initech.com pending). Users alice@acme.com
// (user_01HA11CE000000000000000AL, admin of Acme), bob@acme.com (member of Acme,
// workspace-editor on the Engineering workspace), carol@globex.com (admin of
// Globex), dave@initech.com (member of Initech) and erin@example.com (no
// organization); all but Erin sign in with password "Password123!". Roles member,
// admin, workspace-editor and project-viewer plus Acme's org-billing; resource types
// workspace and project; feature flags new-dashboard, beta-search,
// advanced-analytics and dark-mode; the Acme Okta directory and SAML connection.
// README.md lists every id.
//
// Concurrency: one RWMutex guards the store; reads share it, so an [Emulator] is
// safe for concurrent use.
package emulator
