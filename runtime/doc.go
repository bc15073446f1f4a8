// Package runtime is kosmo-lua's embedding API: it runs agent-written Lua scripts
// against the WorkOS API inside a sandbox with hard limits, and returns one JSON
// result envelope.
//
// A [Runtime] is created once with [New] and is safe for concurrent use; every
// [Runtime.Run] gets a fresh sandboxed Lua state, its own deadline, call budget
// and memory limit. [Runtime.Call] runs one catalog function without Lua.
//
//	rt, err := runtime.New(&runtime.Options{APIKey: os.Getenv("WORKOS_API_KEY")})
//	res, err := rt.Run(ctx, runtime.Script{Source: `return workos.organizations_list{limit = 5}`})
//	fmt.Println(res.Outcome, string(res.Result))
//
// # Result envelope
//
// Every run, whatever happens, yields a [Result] that encodes to:
//
//	{ "ok": true|false,
//	  "outcome": "completed" | "error" | "timeout" | "limit_exceeded" | "denied",
//	  "result": <the script's return value; several returns become an array; null unless completed>,
//	  "logs": ["..."],
//	  "error": {"kind", "message", "line", "function", "status", "code", "request_id"} | null,
//	  "effects": true when at least one write call succeeded,
//	  "calls": [{"function", "method", "path", "status", "duration_ms", "request_id",
//	             "idempotency_key", "access", "retries", "account"}],
//	  "stats": {"duration_ms", "calls", "memory_bytes"} }
//
// ok is true exactly when outcome is "completed". Calls refused by the write policy
// or the call budget appear in calls with status null.
//
// # Write policy
//
// Every catalog operation has an access class (read, write, destructive). With
// [WriteDeny], write and destructive functions raise a "denied" error before any
// request is made; reads still work. Allow and Deny lists (names or globs such as
// "organizations_*") narrow further. Nothing a script does can widen the policy.
// [Options.DestructivePolicy] sets the destructive class apart, never laxer.
//
// # Reviewed writes
//
// With [WriteAsk], a write is sent only after a person approved it: the run's
// [Approver] ([WithApprover], else [Options.Approver]) is asked by the host
// while the script waits for the call's answer, and without one the write is
// denied. [Runtime.Plan] runs a script with its writes answered from their
// response schemas (placeholder ids such as "org_plan_1") and returns a
// [Plan] signed with [Options.PlanKey]; [Runtime.Apply] runs it for real,
// sending only the planned writes in order, placeholders bound to real ids.
// [Options.Journal] records every run that wrote (see package
// runtime/journal).
//
// # Accounts
//
// [Options.Accounts] adds named accounts, each with its own key, base URL and
// write policy, besides the default one (APIKey, BaseURL, WritePolicy). A
// script selects one with workos.<name>.fn (KosmoKrator's
// app.integrations.workos.<name>.fn); [Runtime.CallAccount] does the same for
// one call. The host resolves the account and holds every key: a worker's call
// names only the account. The Allow and Deny lists and the call budget apply
// to all accounts together; each call in the envelope names its account, and
// an unknown account is an [AccountError] listing the configured ones.
package runtime
