package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// call is one API request being served.
type call struct {
	emu   *Emulator
	store *store
	op    *catalog.Operation
	req   *http.Request
	// pathParams are the decoded path parameters, by name.
	pathParams map[string]string
	query      url.Values
	body       map[string]any
	now        time.Time
	// status overrides the operation's first documented success status.
	status int
	header http.Header
	// token is the bearer credential (API key or access token).
	token string
	// seeding is true while the seed is applied: bodies may then fix ids.
	seeding    bool
	seedIDUsed bool
}

// handler serves one operation. It returns the success body, a JSON-shaped value
// (nil for none) that run projects onto the response schema, or an error: an
// *apiError for WorkOS's error bodies, anything else answers 500.
type handler func(c *call) (any, error)

// pathParam returns the path parameter name ("" if the route has none).
func (c *call) pathParam(name string) string { return c.pathParams[name] }

// queryParam returns the first value of the query parameter name ("" if absent).
func (c *call) queryParam(name string) string { return c.query.Get(name) }

// bodyString returns the body field name if it is a string, else "".
func (c *call) bodyString(name string) string { return str(c.body[name]) }

// bodyHas reports whether the body has the field name (even null).
func (c *call) bodyHas(name string) bool { _, ok := c.body[name]; return ok }

// bodyBool returns the body field name as a boolean: true or "true" (form bodies).
func (c *call) bodyBool(name string) bool {
	switch v := c.body[name].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

func (e *Emulator) requestID() string {
	n := e.reqCounter.Add(1)
	return fmt.Sprintf("req_%s%06d", strings.ToUpper(strconv.FormatInt(e.clock().UnixMilli(), 36)), n%1000000)
}

// ServeHTTP serves the WorkOS API and the /_emulate control endpoints.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rid := e.requestID()
	w.Header().Set("X-Request-ID", rid)
	if strings.HasPrefix(r.URL.Path, "/_emulate") {
		e.serveControl(w, r)
		return
	}
	status, out := e.serveAPI(w, r)
	e.log.Debug("emulator request", "method", r.Method, "path", r.URL.Path, "status", status, "request_id", rid, "fault", out)
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
			return errorOut4(unauthorized())
		}
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return errorOut4(badRequest("invalid_request", "could not read the request body"))
	}
	if aerr := c.parseBody(raw); aerr != nil {
		return errorOut4(aerr)
	}
	if aerr := c.validate(); aerr != nil {
		return errorOut4(aerr)
	}
	idemKey := r.Header.Get("Idempotency-Key")
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
		if prev := e.store.Idempotency[idemID]; prev != nil {
			e.mu.Unlock()
			if prev.BodyHash != bodyHash {
				return errorOut4(badRequest("idempotency_key_reused", fmt.Sprintf("Idempotency-Key '%s' was already used with a different request body; use a new key for a new request.", idemKey)))
			}
			return prev.Status, prev.ContentType, prev.Body, nil
		}
	}
	status, ctype, data = c.run()
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
	if dirty {
		if err := e.save(); err != nil {
			e.log.Error("emulator: could not save the state file", "error", err)
		}
	}
	return status, ctype, data, c.header
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
	data, merr := json.Marshal(out)
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

// parseBody reads a JSON or form body; query fields the body lacks are merged in for
// the OAuth endpoints that accept both.
func (c *call) parseBody(raw []byte) *apiError {
	c.body = map[string]any{}
	ct, _, _ := mime.ParseMediaType(c.req.Header.Get("Content-Type"))
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) == 0:
	case ct == "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return badRequest("invalid_request_parameters", "the form body could not be parsed: "+err.Error())
		}
		for k, v := range vals {
			if len(v) == 1 {
				c.body[k] = v[0]
			} else {
				c.body[k] = toAny(v)
			}
		}
	default:
		var v any
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if err := dec.Decode(&v); err != nil {
			return badRequest("invalid_request_parameters", "the request body is not valid JSON: "+err.Error())
		}
		m, ok := v.(map[string]any)
		if !ok {
			return badRequest("invalid_request_parameters", "the request body must be a JSON object")
		}
		c.body = m
	}
	return nil
}

// validate checks limit/order/enums of query parameters and required body fields,
// answering 422 with errors[{field, code}] like WorkOS.
func (c *call) validate() *apiError {
	for _, p := range c.op.Params {
		if p.In != catalog.InQuery {
			continue
		}
		v := c.queryParam(p.Name)
		if v == "" {
			continue
		}
		switch p.Name {
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				return invalid("limit", "invalid", "limit must be an integer between 1 and 100.")
			}
		case "order":
			if v != "asc" && v != "desc" && v != "normal" {
				return invalid("order", "invalid", "order must be one of asc, desc or normal.")
			}
		default:
			if len(p.Enum) > 0 && p.Type == "string" && !contains(p.Enum, v) {
				return invalid(p.Name, "invalid", fmt.Sprintf("%s must be one of %s.", p.Name, strings.Join(p.Enum, ", ")))
			}
		}
	}
	b := c.op.Body
	if b == nil {
		return nil
	}
	if b.Discriminator != "" && len(b.Variants) > 0 {
		d := c.bodyString(b.Discriminator)
		if d == "" {
			return required422(b.Discriminator)
		}
		for _, v := range b.Variants {
			if v.Name == d {
				for _, f := range v.Required {
					if _, ok := c.body[f]; !ok && c.queryParam(f) == "" {
						return required422(f)
					}
				}
				return nil
			}
		}
		return nil // unknown grant types are answered by the handler
	}
	for _, f := range b.Fields {
		if !f.Required || len(f.Variants) > 0 {
			continue
		}
		v, ok := c.body[f.Name]
		if !ok && c.queryParam(f.Name) != "" {
			continue
		}
		if !ok || v == nil || v == "" {
			return required422(f.Name)
		}
	}
	return nil
}

// synthesize answers an operation the emulator does not model statefully: a
// realistic value built from the response schema's examples, with path parameters
// and body fields echoed where the schema has them.
func (c *call) synthesize() any {
	if len(c.op.Responses) == 0 {
		return nil
	}
	status := c.op.Responses[0].Status
	sc, _ := c.emu.schemas.response(c.op.Name, status)
	if sc == nil {
		return nil
	}
	v := synth(sc, c.now, 0)
	if m, ok := v.(map[string]any); ok {
		for k, val := range c.body {
			if _, has := m[k]; has && jsonType(val) == jsonType(m[k]) {
				m[k] = val
			}
		}
		for k, val := range c.pathParams {
			if _, has := m[k]; has {
				m[k] = val
			}
		}
		if id := c.pathParams["id"]; id != "" {
			if _, has := m["id"]; has {
				m["id"] = id
			}
		}
	}
	return v
}

// emit records an event for a mutation. Event types WorkOS documents are listed by
// GET /events; emulator-only types (for resources WorkOS emits no event for) only
// when asked for with events=<type>.
func (c *call) emit(event string, data any, orgID string) {
	ev := Object{
		"object":     "event",
		"id":         c.store.newID("event_", c.now),
		"event":      event,
		"data":       clone(stripPrivate(data)),
		"created_at": ts(c.now),
		"context":    map[string]any{},
	}
	if orgID != "" {
		ev["_organization_id"] = orgID
	}
	c.store.put("events", ev)
}

func stripPrivate(v any) any {
	if m, ok := v.(map[string]any); ok {
		return public(m)
	}
	return v
}

// newObj starts a stored object: object name, a new id and timestamps.
func (c *call) newObj(object, prefix string) Object {
	id := c.store.newID(prefix, c.now)
	if c.seeding && strings.HasPrefix(c.bodyString("id"), prefix) && !c.seedIDUsed {
		id, c.seedIDUsed = c.bodyString("id"), true
	}
	return Object{"object": object, "id": id, "created_at": ts(c.now), "updated_at": ts(c.now)}
}

func (c *call) touch(o Object) { o["updated_at"] = ts(c.now); c.store.dirty = true }

// copyFields copies the named body fields that are present into o.
func (c *call) copyFields(o Object, names ...string) {
	for _, n := range names {
		if v, ok := c.body[n]; ok {
			o[n] = clone(v)
		}
	}
}
