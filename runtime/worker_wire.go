package runtime

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	segjson "github.com/segmentio/encoding/json"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// The host and a worker exchange frames over two pipes. A frame is a JSON
// header and an optional raw payload (a script's source, a response body, a
// result), each preceded by its length as a big-endian uint32:
//
//	len(header) len(payload) header payload
//
// Payloads stay raw so a 1 MB response body is copied, not re-encoded.

// Frame types.
const (
	frameReady   = "ready"   // worker → host: started; Catalog loaded lazily
	frameCatalog = "catalog" // host → worker: a custom catalog (payload: its JSON)
	frameRun     = "run"     // host → worker: a job (payload: the source)
	frameAbort   = "abort"   // host → worker: cancel the current job
	frameReset   = "reset"   // host → worker: drop the session's state
	frameCall    = "call"    // worker → host: a workos call (payload: args JSON)
	frameReject  = "reject"  // worker → host: a call refused before it was prepared
	frameReply   = "reply"   // host → worker: a call's answer (payload: the body)
	frameDone    = "done"    // worker → host: a job's report (payload: the result)
	// host → worker, after a session job's done: the job's pipe reader
	// may stop (see workerServer.watchSession).
	frameRelease = "release"
)

// Frame size caps. Headers are small except a report's logs; payloads are
// bounded by the limits the host sets, with these as a backstop against a
// worker gone wrong.
const (
	maxHeaderBytes  = 16 << 20
	maxPayloadBytes = 256 << 20
)

// frame is one message between the host and a worker.
type frame struct {
	Type string `json:"t"`
	// ID pairs a call with its reply.
	ID uint64 `json:"id,omitempty"`

	// run
	Job     *job `json:"job,omitempty"`
	Session bool `json:"session,omitempty"` // keep the state for the next run

	// call and reject
	Function string     `json:"fn,omitempty"`
	Account  string     `json:"acct,omitempty"` // a named account; "" is the default one
	Batch    bool       `json:"batch,omitempty"`
	Err      *wireError `json:"err,omitempty"` // reject: why; reply: the call's error

	// reply
	Result *wireResult `json:"res,omitempty"`

	// done
	Report    *report `json:"report,omitempty"`
	Restarted bool    `json:"restarted,omitempty"`

	payload []byte
}

// frameWriter writes frames; it is not safe for concurrent use (callers lock).
type frameWriter struct {
	w   io.Writer
	buf []byte
}

func (fw *frameWriter) write(f *frame) error {
	buf := append(fw.buf[:0], 0, 0, 0, 0, 0, 0, 0, 0)
	if compactable(f) {
		buf = appendCompact(buf, f)
	} else {
		// A faster encoder than encoding/json (same format; map keys
		// need no order here).
		var err error
		if buf, err = segjson.Append(buf, f, 0); err != nil {
			return fmt.Errorf("runtime: encode %s frame: %w", f.Type, err)
		}
	}
	binary.BigEndian.PutUint32(buf[:4], uint32(len(buf)-8))
	binary.BigEndian.PutUint32(buf[4:8], uint32(len(f.payload)))
	buf = append(buf, f.payload...)
	_, err := fw.w.Write(buf)
	if cap(buf) <= 1<<20 {
		fw.buf = buf // reuse, but do not keep a large result's buffer
	}
	return err
}

// readFrame reads one frame, refusing sizes over the caps.
func readFrame(r *bufio.Reader) (*frame, error) {
	var n [8]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	hl, pl := binary.BigEndian.Uint32(n[:4]), binary.BigEndian.Uint32(n[4:])
	if hl > maxHeaderBytes || pl > maxPayloadBytes {
		return nil, fmt.Errorf("runtime: frame too large (header %d, payload %d bytes)", hl, pl)
	}
	buf := make([]byte, int(hl)+int(pl))
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	var f *frame
	if hl > 0 && buf[0] == compactMagic {
		var err error
		if f, err = parseCompact(buf[:hl]); err != nil {
			return nil, fmt.Errorf("runtime: bad frame: %w", err)
		}
	} else {
		f = &frame{}
		// UseNumber: API error bodies keep their numbers exact.
		if _, err := segjson.Parse(buf[:hl], f, segjson.UseNumber|segjson.DontMatchCaseInsensitiveStructFields); err != nil {
			return nil, fmt.Errorf("runtime: bad frame: %w", err)
		}
	}
	if pl > 0 {
		f.payload = buf[hl:]
	}
	return f, nil
}

// wireResult is a [api.Result] without its body (the frame's payload).
type wireResult struct {
	Function       string            `json:"function"`
	Status         int               `json:"status,omitempty"`
	Header         http.Header       `json:"header,omitempty"`
	RequestID      string            `json:"request_id,omitempty"`
	Retries        int               `json:"retries,omitempty"`
	IdempotencyKey string            `json:"idempotency_key,omitempty"`
	Duration       time.Duration     `json:"duration,omitempty"`
	DryRun         *api.DryRunRecord `json:"dry_run,omitempty"`
}

// answerHeaders are the response headers a script's answer depends on
// (redirects, body type); the rest stay in the host.
var answerHeaders = []string{"Content-Type", "Location"}

func toWireResult(r *api.Result) (*wireResult, []byte) {
	w := &wireResult{Function: r.Function, Status: r.Status, RequestID: r.RequestID, Retries: r.Retries,
		IdempotencyKey: r.IdempotencyKey, Duration: r.Duration, DryRun: r.DryRun}
	for _, h := range answerHeaders {
		if v := r.Header.Get(h); v != "" {
			if w.Header == nil {
				w.Header = http.Header{}
			}
			w.Header.Set(h, v)
		}
	}
	return w, r.Body
}

func (w *wireResult) result(body []byte) *api.Result {
	h := w.Header
	if h == nil {
		h = http.Header{}
	}
	return &api.Result{Function: w.Function, Status: w.Status, Header: h, Body: body, RequestID: w.RequestID,
		Retries: w.Retries, IdempotencyKey: w.IdempotencyKey, Duration: w.Duration, DryRun: w.DryRun}
}

// wireError carries a call's error with its type, so the worker raises the
// same error table, and classifies it the same way, as the host would.
type wireError struct {
	Type       string                     `json:"type"`
	API        *api.APIError              `json:"api,omitempty"`
	Validation *api.ValidationError       `json:"validation,omitempty"`
	Network    *wireNetworkError          `json:"network,omitempty"`
	TooLarge   *api.ResponseTooLargeError `json:"too_large,omitempty"`
	Lookup     *catalog.LookupError       `json:"lookup,omitempty"`
	Policy     *PolicyError               `json:"policy,omitempty"`
	Limit      *sandbox.LimitError        `json:"limit,omitempty"`
	Message    string                     `json:"message,omitempty"`
}

type wireNetworkError struct {
	Function, Method, Path string
	Attempts               int
	Message                string
}

// Wire error types.
const (
	wireAPI        = "api"
	wireValidation = "validation"
	wireNetwork    = "network"
	wireTooLarge   = "too_large"
	wireLookup     = "lookup"
	wirePolicy     = "policy"
	wireLimit      = "limit"
	wireCanceled   = "canceled"
	wireDeadline   = "deadline"
	wireOther      = "other"
)

func toWireError(err error) *wireError {
	var (
		apiErr *api.APIError
		ve     *api.ValidationError
		ne     *api.NetworkError
		tl     *api.ResponseTooLargeError
		le     *catalog.LookupError
		pe     *PolicyError
		lim    *sandbox.LimitError
	)
	switch {
	case errors.As(err, &pe):
		return &wireError{Type: wirePolicy, Policy: pe}
	case errors.As(err, &lim):
		return &wireError{Type: wireLimit, Limit: lim}
	case errors.As(err, &apiErr):
		return &wireError{Type: wireAPI, API: apiErr}
	case errors.As(err, &ve):
		return &wireError{Type: wireValidation, Validation: ve}
	case errors.As(err, &ne):
		msg := ""
		if ne.Err != nil {
			msg = ne.Err.Error()
		}
		return &wireError{Type: wireNetwork, Network: &wireNetworkError{Function: ne.Function, Method: ne.Method, Path: ne.Path, Attempts: ne.Attempts, Message: msg}}
	case errors.As(err, &tl):
		return &wireError{Type: wireTooLarge, TooLarge: tl}
	case errors.As(err, &le):
		return &wireError{Type: wireLookup, Lookup: le}
	case errors.Is(err, context.DeadlineExceeded):
		return &wireError{Type: wireDeadline, Message: err.Error()}
	case errors.Is(err, context.Canceled):
		return &wireError{Type: wireCanceled, Message: err.Error()}
	}
	return &wireError{Type: wireOther, Message: err.Error()}
}

// wrappedError keeps a context error's text while matching it with errors.Is.
type wrappedError struct {
	msg string
	err error
}

func (e *wrappedError) Error() string { return e.msg }
func (e *wrappedError) Unwrap() error { return e.err }

func (w *wireError) error() error {
	switch {
	case w.Type == wirePolicy && w.Policy != nil:
		return w.Policy
	case w.Type == wireLimit && w.Limit != nil:
		return w.Limit
	case w.Type == wireAPI && w.API != nil:
		return w.API
	case w.Type == wireValidation && w.Validation != nil:
		return w.Validation
	case w.Type == wireNetwork && w.Network != nil:
		n := w.Network
		return &api.NetworkError{Function: n.Function, Method: n.Method, Path: n.Path, Attempts: n.Attempts, Err: errors.New(n.Message)}
	case w.Type == wireTooLarge && w.TooLarge != nil:
		return w.TooLarge
	case w.Type == wireLookup && w.Lookup != nil:
		return w.Lookup
	case w.Type == wireDeadline:
		return &wrappedError{msg: w.Message, err: context.DeadlineExceeded}
	case w.Type == wireCanceled:
		return &wrappedError{msg: w.Message, err: context.Canceled}
	}
	return errors.New(w.Message)
}

// decodeArgs turns a call's JSON arguments back into the values luajson.ToGo
// gave the worker: int64 for integers, float64 for other numbers, luajson.Null
// for null.
func decodeArgs(data []byte) (map[string]any, error) {
	// Into an interface: segmentio's decoder makes a map[string]any
	// target about five times as slowly, with a large buffer each time.
	var raw any
	if _, err := segjson.Parse(data, &raw, segjson.UseNumber); err != nil {
		return nil, fmt.Errorf("runtime: call arguments: %w", err)
	}
	if raw == nil {
		return map[string]any{}, nil
	}
	v, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("runtime: call arguments: a JSON object was expected, not %T", raw)
	}
	for k, x := range v {
		v[k] = fromJSONValue(x)
	}
	return v, nil
}

func fromJSONValue(v any) any {
	switch x := v.(type) {
	case nil:
		return luajson.Null
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n
			}
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = fromJSONValue(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = fromJSONValue(x[k])
		}
	}
	return v
}
