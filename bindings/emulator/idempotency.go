package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
)

// idempotencyRecord returns the recorded response of a POST's Idempotency-Key on
// path, if any, and whether body differs from the first request's.
func (e *Emulator) idempotencyRecord(key, path string, body []byte) (*idemRecord, bool) {
	sum := sha256.Sum256(body)
	e.mu.RLock()
	prev := e.store.Idempotency[key+"|"+http.MethodPost+" "+path]
	e.mu.RUnlock()
	if prev == nil {
		return nil, false
	}
	return prev, prev.BodyHash != hex.EncodeToString(sum[:])
}

// replay answers a reused Idempotency-Key: the first response, or with
// Options.StrictIdempotency and another body, 400 idempotency_key_reused.
func (e *Emulator) replay(prev *idemRecord, otherBody bool, key string) (int, string, []byte, http.Header) {
	if e.opts.StrictIdempotency && otherBody {
		return errorOut4(badRequest("idempotency_key_reused", fmt.Sprintf("Idempotency-Key '%s' was already used with a different request body; use a new key for a new request.", key)))
	}
	return prev.Status, prev.ContentType, prev.Body, nil
}
