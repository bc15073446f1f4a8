package runtime

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// DefaultPlanTTL is how long a plan stays valid when [Options.PlanTTL] is zero.
const DefaultPlanTTL = 15 * time.Minute

// PlanVersion is the version of the plan format this runtime writes and reads.
const PlanVersion = 1

// Plan is what a run in plan mode would have written: its writes in order,
// with the placeholders they create and use, bound to the script, its
// arguments and the account, and signed by the host. [Runtime.Apply] runs the
// script for real and sends only these writes. Every field but Signature is
// covered by Digest, and Digest by Signature.
type Plan struct {
	Version   int        `json:"version"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	Script    PlanScript `json:"script"`
	// Args are the script's arguments as JSON (null when none).
	Args json.RawMessage `json:"args"`
	// ArgsDigest is "sha256:" and the hex digest of Args in canonical form.
	ArgsDigest string      `json:"args_digest"`
	Account    PlanAccount `json:"account"`
	// Accounts identify the named accounts the writes go to, by name.
	Accounts []PlanAccount `json:"accounts,omitempty"`
	// Writes are the planned writes in the order the script made them.
	Writes []PlannedWrite `json:"writes"`
	// Digest is "sha256:" and the hex digest of the plan's canonical JSON
	// without Digest and Signature.
	Digest string `json:"digest"`
	// Signature is "hmac-sha256:" and the hex HMAC of Digest with the
	// host's plan key.
	Signature string `json:"signature"`
}

// PlanScript identifies the planned script.
type PlanScript struct {
	// Name is the script's label (Script.Name); Path, when the host gave
	// one, the file it was read from, which a CLI apply reads again.
	Name string `json:"name"`
	Path string `json:"path,omitempty"`
	// Digest is "sha256:" and the hex digest of Source.
	Digest string `json:"digest"`
	Source string `json:"source"`
}

// PlanAccount identifies the account a plan writes to. Key is a keyed
// fingerprint of its API key (never the key), so a plan made with one key
// cannot be applied with another.
type PlanAccount struct {
	Name    string `json:"name"`
	BaseURL string `json:"base_url"`
	Key     string `json:"key"`
}

// PlannedWrite is one write of a plan.
type PlannedWrite struct {
	// Step numbers the writes from 1.
	Step int `json:"step"`
	// Function is the canonical name; Access its class; Account the
	// account it goes to.
	Function string `json:"function"`
	Access   string `json:"access"`
	Account  string `json:"account"`
	// Arguments are the call's arguments as JSON; placeholders stand for
	// the ids of objects earlier writes create.
	Arguments json.RawMessage `json:"arguments"`
	// Creates lists the placeholders this write's answer holds; Uses the
	// placeholders its arguments hold (its dependencies).
	Creates []Placeholder `json:"creates,omitempty"`
	Uses    []string      `json:"uses,omitempty"`
	// Summary is one line for a person.
	Summary string `json:"summary"`
	// Destructive marks deletes and other writes that cannot be undone.
	Destructive bool `json:"destructive,omitempty"`
	// Batch is true for a write made inside workos.batch; batched writes
	// may be applied in any order among themselves.
	Batch bool `json:"batch,omitempty"`
	// IdempotencyKey is sent as the Idempotency-Key of a POST or PATCH that
	// does not set its own, derived from the plan, so applying a plan twice
	// does not write twice where WorkOS honours the key.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// Placeholder is an id a planned write's answer holds in place of the id
// the real write will return: ID ("org_plan_1") at Path in the answer
// ("id", "domains[0].id").
type Placeholder struct {
	ID   string `json:"id"`
	Path string `json:"path"`
}

// PlanError reports a plan that cannot be made or applied: no plan key, a
// plan that does not verify, has expired, or belongs to another script,
// arguments or account. Nothing was sent.
type PlanError struct {
	// Reason is what is wrong and how to fix it.
	Reason string
}

// Error says why the plan cannot be used.
func (e *PlanError) Error() string { return "plan: " + e.Reason }

// Kind reports the error kind: the host refuses the run, as a policy does.
func (e *PlanError) Kind() string { return KindDenied }

// digestOf is "sha256:" and the hex digest of b.
func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// canonicalJSON re-encodes a JSON value with sorted keys, no insignificant
// space and numbers as written, so the same value always has the same
// digest however it was formatted in transit.
func canonicalJSON(data []byte) ([]byte, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return []byte("null"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// canonicalValue is canonicalJSON of a Go value.
func canonicalValue(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return canonicalJSON(data)
}

// bodyDigest is the digest of p without Digest and Signature.
func (p *Plan) bodyDigest() (string, error) {
	q := *p
	q.Digest, q.Signature = "", ""
	data, err := canonicalValue(q)
	if err != nil {
		return "", err
	}
	return digestOf(data), nil
}

// sign sets Digest and Signature.
func (p *Plan) sign(key []byte) error {
	d, err := p.bodyDigest()
	if err != nil {
		return fmt.Errorf("runtime: plan: %w", err)
	}
	p.Digest = d
	p.Signature = signature(key, d)
	return nil
}

func signature(key []byte, digest string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(digest))
	return "hmac-sha256:" + hex.EncodeToString(m.Sum(nil))
}

// verify checks the plan's digest, signature, version and expiry.
func (p *Plan) verify(key []byte, now time.Time) error {
	if p.Version != PlanVersion {
		return &PlanError{Reason: fmt.Sprintf("version %d is not supported (this host reads version %d); plan the run again", p.Version, PlanVersion)}
	}
	d, err := p.bodyDigest()
	if err != nil {
		return &PlanError{Reason: "cannot be read: " + err.Error()}
	}
	if d != p.Digest || !hmac.Equal([]byte(signature(key, d)), []byte(p.Signature)) {
		return &PlanError{Reason: "its signature does not verify: it was changed after it was made, or made by a host with another plan key; plan the run again here"}
	}
	if now.After(p.ExpiresAt) {
		return &PlanError{Reason: fmt.Sprintf("it expired at %s; plan the run again and apply it within its validity", p.ExpiresAt.UTC().Format(time.RFC3339))}
	}
	return nil
}

// keyFingerprint is a keyed fingerprint of an API key: it identifies the
// key to hosts with the plan key and reveals nothing of it.
func keyFingerprint(planKey []byte, apiKey string) string {
	m := hmac.New(sha256.New, planKey)
	m.Write([]byte("kosmo-lua api key\x00" + apiKey))
	return "hmac-sha256:" + hex.EncodeToString(m.Sum(nil))[:32]
}

// idempotencyKey derives a write's Idempotency-Key from the plan.
func idempotencyKey(planKey []byte, planID string, step int) string {
	m := hmac.New(sha256.New, planKey)
	fmt.Fprintf(m, "kosmo-lua idempotency\x00%s\x00%d", planID, step)
	return "kosmo-plan-" + hex.EncodeToString(m.Sum(nil))[:40]
}
