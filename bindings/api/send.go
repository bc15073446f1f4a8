package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Send sends a prepared request, retrying per [Options], and returns the result
// or an error: *APIError (non-2xx/3xx), *NetworkError, *ResponseTooLargeError,
// or the context's error.
func (c *Client) Send(ctx context.Context, req *Request) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	out := c.outgoing(req)
	res := &Result{Function: req.Function, IdempotencyKey: out.idempotencyKey}
	if c.recordsInstead(req) {
		res.DryRun = out.dryRunRecord()
		res.Duration = time.Since(out.start)
		return res, nil
	}
	resp, err := c.sendWithRetries(ctx, &out, res)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	res.Status = resp.StatusCode
	res.Header = resp.Header
	res.RequestID = requestID(resp.Header)
	data, err := c.readBody(ctx, &out, resp, res)
	if err != nil {
		return nil, err
	}
	return c.answer(&out, resp, data, res)
}

// outgoing is one request as it goes on the wire, and what Send needs to
// report on it.
type outgoing struct {
	req    *Request
	start  time.Time
	url    string
	header http.Header
	// idempotencyKey is the caller's key or a generated one; empty for none.
	idempotencyKey string
	redact         redactor
	// attempts counts the requests sent (0 until sendWithRetries returns).
	attempts int
}

// outgoing builds the wire form of req: the URL, the headers (auth,
// Idempotency-Key) and the redactor for its secrets. It is a value so that it
// stays on Send's stack.
func (c *Client) outgoing(req *Request) outgoing {
	out := outgoing{req: req, start: time.Now(), url: c.requestURL(req), redact: redactor{c.opts.APIKey, req.AccessToken}}
	out.idempotencyKey = req.IdempotencyKey
	if out.idempotencyKey == "" && req.Method == http.MethodPost && !c.opts.NoAutoIdempotencyKey {
		out.idempotencyKey = c.newKey()
	}
	out.header = c.requestHeader(req, out.idempotencyKey)
	return out
}

// requestURL is the base URL (the operation's own server unless
// [Options.BaseURL] was set), the path and the query.
func (c *Client) requestURL(req *Request) string {
	base := c.opts.BaseURL
	if op := req.Op; op != nil && op.Server != "" && !c.baseSet {
		base = strings.TrimRight(op.Server, "/")
	}
	u := base + req.Path
	if req.RawQuery != "" {
		u += "?" + req.RawQuery
	}
	return u
}

// requestHeader is req's header parameters plus the client's headers, the
// bearer and the idempotency key.
func (c *Client) requestHeader(req *Request, idempotencyKey string) http.Header {
	header := make(http.Header, len(req.Header)+5)
	for k, v := range req.Header {
		header[k] = v
	}
	// Canonical keys set directly: Header.Set would canonicalise on every call.
	header["User-Agent"] = []string{c.opts.UserAgent}
	header["Accept"] = []string{"application/json"}
	if req.Body != nil {
		header["Content-Type"] = []string{"application/json"}
	}
	if secret := c.bearer(req); secret != "" {
		header["Authorization"] = []string{"Bearer " + secret}
	}
	if idempotencyKey != "" {
		header["Idempotency-Key"] = []string{idempotencyKey}
	}
	return header
}

// bearer is the secret req's operation authenticates with: the API key, the
// caller's access token, or none.
func (c *Client) bearer(req *Request) string {
	auth := catalog.AuthAPIKey
	if op := req.Op; op != nil && op.Auth != "" {
		auth = op.Auth
	}
	switch auth {
	case catalog.AuthAPIKey:
		return c.opts.APIKey
	case catalog.AuthAccessToken:
		return req.AccessToken
	}
	return ""
}

// sendWithRetries sends out under the retry policy (see retry.go) and counts
// the retries into res. A request that got no answer fails with the context's
// error or a *NetworkError.
func (c *Client) sendWithRetries(ctx context.Context, out *outgoing, res *Result) (*http.Response, error) {
	req := out.req
	st := &attemptState{retryable: retryableMethod(req.Method, out.idempotencyKey)}
	if l := c.wireLogger(); l != nil {
		st.wire = &wireLog{log: l, function: req.Function, redact: out.redact, max: c.opts.MaxRetries}
	}
	actx := context.WithValue(ctx, attemptKey{}, st)
	var rreq *retryablehttp.Request
	var err error
	if req.Body != nil {
		rreq, err = retryablehttp.NewRequestWithContext(actx, req.Method, out.url, req.Body)
	} else {
		// Without a body there is nothing to rewind between attempts; skip the
		// body-reader plumbing (and, built here, the wrapper stays on the stack).
		var hreq *http.Request
		if hreq, err = http.NewRequestWithContext(actx, req.Method, out.url, nil); err == nil {
			rreq = &retryablehttp.Request{Request: hreq}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("workos: %s: build request: %s", req.Function, out.redact.str(err.Error()))
	}
	rreq.Header = out.header
	resp, err := c.rc.Do(rreq)
	out.attempts = st.attempts
	if st.attempts > 0 {
		res.Retries = st.attempts - 1
	}
	if err == nil {
		return resp, nil
	}
	if resp != nil {
		resp.Body.Close()
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		c.logDone(req, 0, "", res.Retries, time.Since(out.start), ctxErr)
		return nil, ctxErr
	}
	nerr := out.networkError(err)
	c.logDone(req, 0, "", res.Retries, time.Since(out.start), nerr)
	return nil, nerr
}

// readBody reads the answer's body within [Options.MaxResponseBytes] and
// sets res.Duration. A body cut off mid-read is a *NetworkError (or the
// context's error), a larger one a *ResponseTooLargeError.
func (c *Client) readBody(ctx context.Context, out *outgoing, resp *http.Response, res *Result) ([]byte, error) {
	data, err := readLimited(resp.Body, resp.ContentLength, c.opts.MaxResponseBytes)
	res.Duration = time.Since(out.start)
	if err == nil {
		return data, nil
	}
	req := out.req
	if errors.Is(err, errTooLarge) {
		e := &ResponseTooLargeError{Function: req.Function, Method: req.Method, Path: req.Path, Status: resp.StatusCode, RequestID: res.RequestID, Limit: c.opts.MaxResponseBytes}
		c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, e)
		return nil, e
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, ctxErr
	}
	nerr := out.networkError(err)
	c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, nerr)
	return nil, nerr
}

// answer maps a read body to the Result, or, for a status outside 2xx and
// 3xx, to an *APIError. Secrets the server echoes are redacted either way.
func (c *Client) answer(out *outgoing, resp *http.Response, data []byte, res *Result) (*Result, error) {
	req := out.req
	if out.redact.needed(data) {
		data = []byte(out.redact.str(string(data)))
	}
	if e := notWorkOS(out, resp, data); e != nil {
		e.Retries = res.Retries
		c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, e)
		return nil, e
	}
	if resp.StatusCode >= 400 || resp.StatusCode < 200 {
		e := parseAPIError(resp.StatusCode, resp.Header, data)
		e.Function, e.Method, e.Path, e.Retries = req.Function, req.Method, req.Path, res.Retries
		e.RetryAfter = max(parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), 0)
		c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, e)
		return nil, e
	}
	res.Body = data
	c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, nil)
	return res, nil
}

// networkError is a *NetworkError for out, its cause's text redacted.
func (out *outgoing) networkError(err error) *NetworkError {
	req := out.req
	return &NetworkError{Function: req.Function, Method: req.Method, Path: req.Path, Attempts: max(out.attempts, 1), Err: errors.New(out.redact.str(err.Error()))}
}

func (c *Client) logDone(req *Request, status int, reqID string, retries int, d time.Duration, err error) {
	l := c.opts.Logger
	if l == nil {
		return
	}
	attrs := []any{"function", req.Function, "method", req.Method, "path", c.safePath(req), "status", status,
		"request_id", reqID, "retries", retries, "duration", d}
	if err != nil {
		l.Debug("workos call failed", append(attrs, "error", err.Error())...)
		return
	}
	l.Debug("workos call", attrs...)
}

var errTooLarge = errors.New("response too large")

// readLimited reads a body of at most limit bytes (negative: no limit). With a
// declared length it reads exactly that much into one allocation (net/http
// guarantees a body never exceeds its Content-Length).
func readLimited(r io.Reader, length, limit int64) ([]byte, error) {
	if limit >= 0 && length > limit {
		return nil, errTooLarge
	}
	if length >= 0 {
		buf := make([]byte, length)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	lr := r
	if limit >= 0 {
		lr = io.LimitReader(r, limit+1)
	}
	data, err := io.ReadAll(lr)
	if err != nil {
		return nil, err
	}
	if limit >= 0 && int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}
