package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Result is a successful (2xx or 3xx) answer, or a dry-run record.
type Result struct {
	// Function is the canonical name of the operation.
	Function string
	// Status is the HTTP status (0 for a dry-run record).
	Status int
	// Header is the response header.
	Header http.Header
	// Body is the raw response body; decode it with [Result.JSON] or luajson.
	Body []byte
	// RequestID is the X-Request-Id response header.
	RequestID string
	// Retries counts the retried attempts (0: the first attempt answered).
	Retries int
	// IdempotencyKey is the Idempotency-Key sent, if any.
	IdempotencyKey string
	// Duration is the wall time of the call, retries and waits included.
	Duration time.Duration
	// DryRun is the recorded request when the call was not sent (Options.DryRun
	// and a write or destructive operation); Status and Body are then empty.
	DryRun *DryRunRecord
}

// Answer is what a call returns when its answer is not a JSON body to decode —
// the same for scripts (workos.fn) and for runtime.Call: {dry_run, function,
// request} for a recorded write, {success, status, location} for a redirect, and
// {success, status} for an empty body. ok is false when the body should be
// decoded; if decoding fails, use [Result.RawAnswer].
func (r *Result) Answer() (v map[string]any, ok bool) {
	switch {
	case r.DryRun != nil:
		req := map[string]any{"method": r.DryRun.Method, "url": r.DryRun.URL, "headers": toAnyMap(r.DryRun.Headers)}
		if r.DryRun.Body != nil {
			req["body"] = r.DryRun.Body
		}
		return map[string]any{"dry_run": true, "function": r.Function, "request": req}, true
	case r.Status >= 300 && r.Status < 400:
		m := map[string]any{"success": true, "status": r.Status}
		if loc := r.Header.Get("Location"); loc != "" {
			m["location"] = loc
		}
		return m, true
	case len(bytes.TrimSpace(r.Body)) == 0:
		return map[string]any{"success": true, "status": r.Status}, true
	}
	return nil, false
}

// RawAnswer is the answer for a body that is not JSON: {body, status}.
func (r *Result) RawAnswer() map[string]any {
	return map[string]any{"body": string(r.Body), "status": r.Status}
}

// JSON decodes the body with numbers as json.Number. An empty body gives nil.
func (r *Result) JSON() (any, error) {
	b := bytes.TrimSpace(r.Body)
	if len(b) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("workos: %s: response is not JSON: %w", r.Function, err)
	}
	return v, nil
}

// IsJSON reports whether the response declares (or looks like) a JSON body.
func (r *Result) IsJSON() bool {
	ct := r.Header.Get("Content-Type")
	if strings.Contains(ct, "json") {
		return true
	}
	b := bytes.TrimSpace(r.Body)
	return ct == "" && len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

func toAnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
