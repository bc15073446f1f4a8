package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	segjson "github.com/segmentio/encoding/json"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

func (e *Emulator) requestID() string {
	n := e.reqCounter.Add(1)
	return fmt.Sprintf("req_%s%06d", strings.ToUpper(strconv.FormatInt(e.clock().UnixMilli(), 36)), n%1000000)
}

// ServeHTTP serves the WorkOS API and the /_emulate control endpoints.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rid := e.requestID()
	w.Header().Set("X-Request-ID", rid)
	if strings.HasPrefix(r.URL.Path, "/_emulate") {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		e.serveControl(sw, r)
		e.logRequest(r, sw.status, rid, start, "")
		return
	}
	status, out := e.serveAPI(w, r)
	e.logRequest(r, status, rid, start, out)
}

func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) (int, string) {
	f := e.faults
	if f.f.Latency > 0 {
		t := time.NewTimer(f.f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return 499, "canceled"
		}
	}
	fault := faultNone
	h := f.matchHook(r.Method, r.URL.Path, e.clock())
	switch {
	case h == nil:
	case h.Fault == "reset":
		panic(http.ErrAbortHandler)
	case h.Fault == "reset_after":
		fault = faultResetAfter
	case h.Fault == "truncate":
		fault = faultTruncate
	case h.Fault == "malformed":
		fault = faultMalformed
	default:
		body := h.Body
		if body == nil {
			body = defaultErrorBody(h.Status)
		}
		for k, v := range h.Headers {
			w.Header().Set(k, v)
		}
		writeJSON(w, h.Status, body)
		return h.Status, "hook " + h.ID
	}
	key := bearer(r)
	if wait, limited := f.rateLimited(key, e.clock()); limited {
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		writeJSON(w, http.StatusTooManyRequests, defaultErrorBody(http.StatusTooManyRequests))
		return 429, "rate limit"
	}
	if fault == faultNone {
		fault = f.draw()
	}
	switch fault {
	case faultFail:
		writeJSON(w, f.f.FailureStatus, defaultErrorBody(f.f.FailureStatus))
		return f.f.FailureStatus, "failure"
	case faultReset:
		panic(http.ErrAbortHandler)
	}
	status, ctype, data, hdr := e.handle(r, key)
	for k, v := range hdr {
		w.Header()[k] = v
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	switch fault {
	case faultResetAfter:
		panic(http.ErrAbortHandler)
	case faultMalformed:
		data = append([]byte(`{"object":`), bytes.TrimPrefix(data, []byte("{"))...)
		data = append(data[:len(data)/2], []byte("<html>502 Bad Gateway")...)
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(status)
		_, _ = w.Write(data)
		return status, "malformed"
	case faultTruncate:
		w.Header().Set("Content-Length", strconv.Itoa(len(data)+1))
		w.WriteHeader(status)
		_, _ = w.Write(data[:len(data)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	if data != nil {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	}
	w.WriteHeader(status)
	if data != nil {
		_, _ = w.Write(data)
	}
	return status, ""
}

// handle runs the operation and returns the status, content type and body.
func (e *Emulator) handle(r *http.Request, key string) (status int, ctype string, data []byte, hdr http.Header) {
	op, pp, ok := e.router.match(r.Method, r.URL.EscapedPath())
	if !ok {
		return errorOut4(errBody(http.StatusNotFound, "not_found", fmt.Sprintf("No route for %s %s; see the WorkOS API reference for the operations the emulator serves.", r.Method, r.URL.Path)))
	}
	c := &call{emu: e, op: op, req: r, pathParams: pp, query: r.URL.Query(), now: e.clock().UTC(), header: http.Header{}, token: key}
	switch op.Auth {
	case catalog.AuthAPIKey:
		if !e.keys[key] {
			return errorOut4(unauthorized())
		}
	case catalog.AuthAccessToken:
		if key == "" {
			return errorOut4(accessTokenUnauthorized())
		}
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return errorOut4(badRequest("invalid_request", "could not read the request body"))
	}
	idemKey := r.Header.Get("Idempotency-Key")
	// A key already used replays its response before the body is even parsed:
	// every later request with the key gets the first answer (the spec).
	if r.Method == http.MethodPost && idemKey != "" {
		if prev, reused := e.idempotencyRecord(idemKey, r.URL.Path, raw); prev != nil {
			return e.replay(prev, reused, idemKey)
		}
	}
	if aerr := c.parseBody(raw); aerr != nil {
		return errorOut4(aerr)
	}
	if aerr := c.validate(); aerr != nil {
		return errorOut4(aerr)
	}
	write := r.Method != http.MethodGet || mutatesOnGet(op.Name)
	if write {
		e.mu.Lock()
	} else {
		e.mu.RLock()
	}
	c.store = e.store
	var rec *idemRecord
	var idemID, bodyHash string
	if r.Method == http.MethodPost && idemKey != "" {
		idemID = idemKey + "|" + r.Method + " " + r.URL.Path
		sum := sha256.Sum256(raw)
		bodyHash = hex.EncodeToString(sum[:])
		if prev := e.store.Idempotency[idemID]; prev != nil { // a concurrent first use won
			e.mu.Unlock()
			return e.replay(prev, prev.BodyHash != bodyHash, idemKey)
		}
	}
	status, ctype, data = c.run()
	jobs := e.webhooks.match(e.store, c.events)
	if idemID != "" && status < 500 {
		rec = &idemRecord{BodyHash: bodyHash, Status: status, ContentType: ctype, Body: data}
		e.store.Idempotency[idemID] = rec
		e.store.dirty = true
	}
	dirty := false
	if write {
		dirty = e.store.dirty
		e.store.dirty = false
		e.mu.Unlock()
	} else {
		e.mu.RUnlock()
	}
	e.webhooks.enqueue(jobs)
	if dirty {
		if err := e.save(); err != nil {
			e.log.Error("emulator: could not save the state file", "error", err)
		}
	}
	return status, ctype, data, c.header
}

// bearer extracts the bearer token of a request.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// mutatesOnGet reports the GET operations that change state: the browser
// endpoints that issue codes or end sessions.
func mutatesOnGet(name string) bool {
	switch name {
	case "sso_authorize", "userland_sso_authorize", "userland_sessions_logout":
		return true
	}
	return false
}

// run dispatches to the operation's handler (or synthesises a response) and renders it.
func (c *call) run() (status int, ctype string, data []byte) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			c.emu.log.Error("emulator: handler panic", "operation", c.op.Name, "panic", fmt.Sprint(p))
			status, ctype, data = errorOut(errBody(http.StatusInternalServerError, "internal_error", fmt.Sprintf("emulator: %s failed: %v", c.op.Name, p)))
		}
	}()
	h := c.emu.handlerFor(c.op.Name)
	var out any
	var err error
	if h != nil {
		out, err = h(c)
	} else {
		out = c.synthesize()
	}
	if err != nil {
		return errorOut(asAPIError(c.op.Name, err))
	}
	status = c.status
	if status == 0 {
		if len(c.op.Responses) > 0 {
			status = c.op.Responses[0].Status
		} else {
			status = http.StatusOK
		}
	}
	if status == http.StatusNoContent || status/100 == 3 {
		return status, "", nil
	}
	if sc, ok := c.emu.schemas.response(c.op.Name, status); ok && sc != nil {
		out = conform(sc, out, c.now)
	} else if out == nil {
		return status, "", nil
	}
	data, merr := segjson.Marshal(out) // same bytes as encoding/json's, in less time
	if merr != nil {
		return errorOut(errBody(http.StatusInternalServerError, "internal_error", "emulator: encode response: "+merr.Error()))
	}
	return status, "application/json", data
}

func errorOut4(ae *apiError) (int, string, []byte, http.Header) {
	s, ct, d := errorOut(ae)
	return s, ct, d, nil
}

func errorOut(ae *apiError) (int, string, []byte) {
	data, _ := json.Marshal(ae.body())
	return ae.status, "application/json", data
}

// asAPIError returns err's *apiError, or a 500 for any other error.
func asAPIError(opName string, err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return errBody(http.StatusInternalServerError, "internal_error", fmt.Sprintf("emulator: %s failed: %v", opName, err))
}
