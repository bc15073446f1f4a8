package runtime

import (
	"encoding/json"
	"fmt"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// Outcome classifies how a run ended.
type Outcome string

// The outcomes.
const (
	OutcomeCompleted     Outcome = "completed"
	OutcomeError         Outcome = "error"
	OutcomeTimeout       Outcome = "timeout"
	OutcomeLimitExceeded Outcome = "limit_exceeded"
	OutcomeDenied        Outcome = "denied"
)

// Error kinds reported in [ErrorInfo.Kind]. Kinds that the workos module or
// the sandbox raise are theirs, so the three layers cannot drift apart.
const (
	KindSyntax          = "syntax_error"
	KindRuntime         = "runtime_error"
	KindUnknownFunction = api.KindUnknownFunction
	KindValidation      = api.KindValidation
	KindAPI             = api.KindAPI
	KindNetwork         = api.KindNetwork
	KindDenied          = api.KindDenied
	// KindCanceled reports a run stopped because its caller's context was
	// canceled (for example an MCP client's notifications/cancelled).
	KindCanceled      = api.KindCanceled
	KindTimeout       = sandbox.KindTimeout
	KindMemoryLimit   = sandbox.KindMemoryLimit
	KindCallLimit     = sandbox.KindCallLimit
	KindOutputLimit   = sandbox.KindOutputLimit
	KindStackOverflow = sandbox.KindStackOverflow
	// KindScriptTooLarge reports a script over Limits.MaxScriptBytes; nothing ran.
	KindScriptTooLarge = "script_too_large"
	// KindScriptTooComplex reports a script whose nesting or expression
	// chains exceed the sandbox's source limits; nothing ran.
	KindScriptTooComplex = "script_too_complex"
	// KindWorkerCrashed reports a worker process that died for a reason that
	// is not a limit (a Go fatal error); the host and other runs are unaffected.
	KindWorkerCrashed = "worker_crashed"
)

// Result is the envelope of one run. See the package documentation for its JSON form.
type Result struct {
	OK      bool            `json:"ok"`
	Outcome Outcome         `json:"outcome"`
	Result  json.RawMessage `json:"result"`
	Logs    []string        `json:"logs"`
	Error   *ErrorInfo      `json:"error"`
	Effects bool            `json:"effects"`
	Calls   []CallInfo      `json:"calls"`
	Stats   Stats           `json:"stats"`
	// Plan is the signed plan of a run in plan mode ([Runtime.Plan]).
	Plan *Plan `json:"plan,omitempty"`
	// Apply reports how a run of [Runtime.Apply] followed its plan.
	Apply *ApplyReport `json:"apply,omitempty"`
}

// ErrorInfo describes why a run did not complete. In JSON, kind, message, line,
// function, status, code and request_id are always present (null when they do
// not apply: status, code and request_id come from WorkOS API errors); column
// and hint appear when known.
type ErrorInfo struct {
	Kind      string `json:"kind"`
	Message   string `json:"message"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	Function  string `json:"function,omitempty"`
	Status    int    `json:"status,omitempty"`
	Code      string `json:"code,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	// Hint says how to fix the problem, when there is a known fix, in words
	// that do not assume a surface (no command-line flags).
	Hint string `json:"hint,omitempty"`
	// Setting names the host setting that stopped the run (a limit, the write
	// policy, an Allow/Deny entry, the key or the account), so each surface
	// can say how to change it in its own terms; nil when none did.
	Setting *Setting `json:"setting,omitempty"`
}

// Setting is a host setting and the value in force.
type Setting struct {
	// Name is the [Options] field: "Timeout", "MemoryLimit", "MaxCalls",
	// "MaxLogBytes", "MaxScriptBytes", "WritePolicy", "Allow", "Deny",
	// "APIKey", "BaseURL" or "Account".
	Name string `json:"name"`
	// Value is the value in force, as text ("2s", "deny", the Deny entry
	// that matched, the account a script named), or "".
	Value string `json:"value,omitempty"`
	// Account is the account whose setting it is (a write policy), when
	// the runtime has named accounts or the default one is named.
	Account string `json:"account,omitempty"`
}

// MarshalJSON writes the stable error shape: the seven documented keys always
// present, null when unknown.
func (e ErrorInfo) MarshalJSON() ([]byte, error) {
	orNull := func(ok bool, v any) any {
		if ok {
			return v
		}
		return nil
	}
	return json.Marshal(struct {
		Kind      string   `json:"kind"`
		Message   string   `json:"message"`
		Line      any      `json:"line"`
		Column    int      `json:"column,omitempty"`
		Function  any      `json:"function"`
		Status    any      `json:"status"`
		Code      any      `json:"code"`
		RequestID any      `json:"request_id"`
		Hint      string   `json:"hint,omitempty"`
		Setting   *Setting `json:"setting,omitempty"`
	}{
		Kind: e.Kind, Message: e.Message,
		Line: orNull(e.Line > 0, e.Line), Column: e.Column,
		Function: orNull(e.Function != "", e.Function), Status: orNull(e.Status != 0, e.Status),
		Code: orNull(e.Code != "", e.Code), RequestID: orNull(e.RequestID != "", e.RequestID),
		Hint: e.Hint, Setting: e.Setting,
	})
}

// CallInfo records one WorkOS call a run made or tried to make.
type CallInfo struct {
	Function string `json:"function"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	// Status is the HTTP status, or nil when the call was refused before sending
	// (write policy, call budget, validation) or failed on the network.
	Status         *int    `json:"status"`
	DurationMS     float64 `json:"duration_ms"`
	RequestID      string  `json:"request_id,omitempty"`
	IdempotencyKey string  `json:"idempotency_key,omitempty"`
	Access         string  `json:"access"`
	Retries        int     `json:"retries"`
	DryRun         bool    `json:"dry_run,omitempty"`
	// Planned is true for a call answered by the plan instead of sent: a
	// write in plan mode, or a read of an object only the plan creates.
	Planned bool `json:"planned,omitempty"`
	// Account names the account the call went to ([Options.Account] or
	// "default" for the default account, else a key of [Options.Accounts]).
	Account string `json:"account"`
}

// Stats are measurements of one run.
type Stats struct {
	DurationMS float64 `json:"duration_ms"`
	// Calls counts every call the run made or tried, listed or not.
	Calls int `json:"calls"`
	// CallsTruncated counts the calls left out of Result.Calls, which lists
	// at most MaxLedgerCalls.
	CallsTruncated int `json:"calls_truncated,omitempty"`
	// MemoryBytes is the run's measured peak memory: with process isolation
	// on Linux, how far the worker's resident memory rose above where it was
	// when the run started; in-process, the sandbox watchdog's peak heap
	// growth. Nil (null) when nothing was measured.
	MemoryBytes *int64 `json:"memory_bytes"`
}

// RunError is the Go error form of a run that did not complete; see [Result.Err].
type RunError struct {
	Outcome Outcome
	Info    ErrorInfo
}

// Error gives the kind, the script line when known, and the message.
func (e *RunError) Error() string {
	msg := fmt.Sprintf("kosmo-lua: %s: %s", e.Info.Kind, e.Info.Message)
	if e.Info.Line > 0 {
		msg = fmt.Sprintf("kosmo-lua: %s at line %d: %s", e.Info.Kind, e.Info.Line, e.Info.Message)
	}
	return msg
}

// Err returns nil for a completed run, otherwise a *RunError.
func (r *Result) Err() error {
	if r.OK || r.Error == nil {
		return nil
	}
	return &RunError{Outcome: r.Outcome, Info: *r.Error}
}

// CallResult is the envelope of one function call made with [Runtime.Call]; it
// matches KosmoKrator's call envelope so existing tooling can read it.
type CallResult struct {
	Function   string          `json:"function"`
	Success    bool            `json:"success"`
	Data       json.RawMessage `json:"data"`
	Error      *ErrorInfo      `json:"error"`
	Meta       CallMeta        `json:"meta"`
	DurationMS float64         `json:"duration_ms"`
}

// Outcome classifies how the call ended, as a run's outcome would: the call
// envelope (KosmoKrator's format) has no field for it.
func (c *CallResult) Outcome() Outcome {
	if c.Success {
		return OutcomeCompleted
	}
	if c.Error == nil {
		return OutcomeError
	}
	return OutcomeOf(c.Error.Kind)
}

// CallMeta is the meta block of a [CallResult].
type CallMeta struct {
	DryRun    bool   `json:"dry_run"`
	Operation string `json:"operation"`
	Access    string `json:"access"`
	Account   string `json:"account,omitempty"`
	Status    *int   `json:"status,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}
