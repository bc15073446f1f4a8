package runtime

import (
	"context"
	"time"
)

// Journal keeps a record of the runs and calls that wrote, for the
// operator to read later. The runtime calls Record once per run (or call,
// or session input) that tried to send at least one write, after it ended.
// Record must not keep ctx; its error is logged, never shown to scripts.
type Journal interface {
	Record(ctx context.Context, e JournalEntry) error
}

// JournalEntry is one run's record. It never holds the API key, the
// script's result or its logs.
type JournalEntry struct {
	Time time.Time `json:"time"`
	// Kind is "run", "apply" or "call".
	Kind string `json:"kind"`
	// Account is the run's default account; each write names its own.
	Account string `json:"account"`
	// Script is the script's name; ScriptDigest "sha256:" and the hex
	// digest of its source (a call's: of its function name).
	Script       string `json:"script"`
	ScriptDigest string `json:"script_digest"`
	// PlanDigest is the applied plan's digest, when the run applied one.
	PlanDigest string  `json:"plan_digest,omitempty"`
	Outcome    Outcome `json:"outcome"`
	// Writes are the writes the run tried, in order.
	Writes []JournalWrite `json:"writes"`
}

// JournalWrite is one write of a [JournalEntry].
type JournalWrite struct {
	Function string `json:"function"`
	Access   string `json:"access"`
	Account  string `json:"account"`
	// RequestID is WorkOS's X-Request-Id; Status the HTTP status (0 when
	// nothing was answered).
	RequestID string `json:"request_id,omitempty"`
	Status    int    `json:"status,omitempty"`
	// Outcome is one of the Write* outcomes.
	Outcome string `json:"outcome"`
	// ApprovedBy is who let it through: ApprovedByPolicy, ApprovedByPlan,
	// or an Approver's By ("terminal", "elicitation"); "" when refused.
	ApprovedBy string `json:"approved_by,omitempty"`
	// Error is why it failed or was refused, when it did.
	Error string `json:"error,omitempty"`
}

// The outcomes of a [JournalWrite].
const (
	// WriteSent: WorkOS answered with success.
	WriteSent = "sent"
	// WriteFailed: WorkOS answered with an error.
	WriteFailed = "failed"
	// WriteUnknown: the network failed; the write may or may not have landed.
	WriteUnknown = "unknown"
	// WriteRefused: the host refused it (rejected, not approved, off plan).
	WriteRefused = "refused"
	// WriteRecorded: dry run, recorded and not sent.
	WriteRecorded = "recorded"
)

// wrote reports whether any write may have reached WorkOS.
func wrote(ws []JournalWrite) bool {
	for _, w := range ws {
		if w.Outcome == WriteSent || w.Outcome == WriteFailed || w.Outcome == WriteUnknown {
			return true
		}
	}
	return false
}

// journal records a finished run's writes, when it tried any.
func (r *Runtime) journal(ctx context.Context, e JournalEntry) {
	if r.opts.Journal == nil || !wrote(e.Writes) {
		return
	}
	e.Time = time.Now().UTC()
	if e.Account == "" {
		e.Account = r.dflt.name
	}
	if err := r.opts.Journal.Record(context.WithoutCancel(ctx), e); err != nil {
		r.log.Warn("journal: the run's record was not kept", "err", err)
	}
}
