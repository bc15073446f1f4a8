package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Version is the kosmo-lua version sent in the default User-Agent.
const Version = "0.1.0-dev"

// Defaults for the zero values of [Options].
const (
	DefaultBaseURL          = "https://api.workos.com"
	DefaultUserAgent        = "kosmo-lua/" + Version
	DefaultTimeout          = 60 * time.Second
	DefaultMaxResponseBytes = 16 << 20
	DefaultMaxRetries       = 3
	DefaultRetryWaitMin     = 500 * time.Millisecond
	DefaultRetryWaitMax     = 30 * time.Second
	DefaultMaxRetryAfter    = 60 * time.Second
)

// Options configure a [Client]. The zero value of every field means its default;
// NewClient copies the struct, so later changes have no effect.
type Options struct {
	// APIKey is the WorkOS secret key ("sk_..."), sent as "Authorization: Bearer"
	// to every operation whose Auth is api_key. It never appears in errors, logs
	// or dry-run records. Empty means no Authorization header (the server then
	// answers 401).
	APIKey string
	// BaseURL is the API root. If empty, [DefaultBaseURL]. An operation with its
	// own Server keeps that server unless BaseURL was set explicitly (tests point
	// everything at one local server).
	BaseURL string
	// UserAgent is the User-Agent header. If empty, [DefaultUserAgent].
	UserAgent string
	// HTTPClient is the base client whose Transport (and Jar) are used. If nil, a
	// pooled cleanhttp transport that keeps up to 64 idle connections per host.
	// Its Timeout and CheckRedirect are replaced (the client is copied, not
	// modified): redirects are never followed, a 3xx is returned as the result.
	HTTPClient *http.Client
	// Timeout bounds each attempt (connect, send, read the whole response). If
	// zero, [DefaultTimeout]; negative means no per-attempt timeout (the context
	// still applies).
	Timeout time.Duration
	// MaxResponseBytes bounds a response body; a larger one fails with
	// *ResponseTooLargeError. If zero, [DefaultMaxResponseBytes]; negative means
	// no limit.
	MaxResponseBytes int64
	// MaxRetries is how often a failed attempt (429, 408, 5xx except 501, network
	// error) is retried. If zero, [DefaultMaxRetries]; negative means never.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff
	// (min·2^n plus up to 50% jitter, capped at max). If zero,
	// [DefaultRetryWaitMin] and [DefaultRetryWaitMax].
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter caps a server's Retry-After (seconds or HTTP date). If zero,
	// [DefaultMaxRetryAfter].
	MaxRetryAfter time.Duration
	// NoAutoIdempotencyKey stops the client from generating an Idempotency-Key
	// for POSTs. A POST without a key (neither generated nor passed as
	// idempotency_key) is never retried.
	NoAutoIdempotencyKey bool
	// DryRun sends read operations and records write and destructive ones instead
	// of sending them (see [DryRunRecord]).
	DryRun bool
	// Logger receives one debug record per attempt and a warning per retry. If
	// nil, nothing is logged. The API key is never logged.
	Logger *slog.Logger
}

// Client sends WorkOS API requests. It is safe for concurrent use; it also owns
// the per-operation cache of compiled body schemas used by [Client.Prepare].
type Client struct {
	opts      Options
	baseSet   bool
	rc        *retryablehttp.Client
	validator *Validator
	newKey    func() string
}

// NewClient returns a client configured by opts (nil means all defaults).
func NewClient(opts *Options) (*Client, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	c := &Client{validator: NewValidator(), newKey: func() string { return uuid.NewString() }}
	c.baseSet = o.BaseURL != ""
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("workos: invalid base URL %q: want an absolute http(s) URL such as %s", o.BaseURL, DefaultBaseURL)
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxResponseBytes == 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	} else if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.RetryWaitMin <= 0 {
		o.RetryWaitMin = DefaultRetryWaitMin
	}
	if o.RetryWaitMax <= 0 {
		o.RetryWaitMax = DefaultRetryWaitMax
	}
	if o.RetryWaitMax < o.RetryWaitMin {
		o.RetryWaitMax = o.RetryWaitMin
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	var hc http.Client
	if o.HTTPClient != nil {
		hc = *o.HTTPClient
	} else {
		tr := cleanhttp.DefaultPooledTransport()
		tr.MaxIdleConnsPerHost = 64
		hc.Transport = tr
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if o.Timeout > 0 {
		hc.Timeout = o.Timeout
	} else {
		hc.Timeout = 0
	}
	c.opts = o

	rc := retryablehttp.NewClient()
	rc.HTTPClient = &hc
	rc.Logger = nil // the retryablehttp logger would print URLs; we log ourselves
	rc.RetryMax = o.MaxRetries
	rc.RetryWaitMin = o.RetryWaitMin
	rc.RetryWaitMax = o.RetryWaitMax
	rc.CheckRetry = c.checkRetry
	rc.Backoff = c.backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		if st, ok := req.Context().Value(attemptKey{}).(*attemptState); ok {
			st.attempts = attempt + 1
		}
	}
	c.rc = rc
	return c, nil
}

// Options returns the effective options (defaults filled in). The API key is
// replaced by "[REDACTED]" when set.
func (c *Client) Options() Options {
	o := c.opts
	if o.APIKey != "" {
		o.APIKey = redacted
	}
	return o
}

// String describes the client without its API key.
func (c *Client) String() string {
	return fmt.Sprintf("workos.Client{BaseURL: %s, DryRun: %t}", c.opts.BaseURL, c.opts.DryRun)
}

// GoString is String, so %#v does not print the API key either.
func (c *Client) GoString() string { return c.String() }

// String prints the options with the API key redacted.
func (o Options) String() string {
	if o.APIKey != "" {
		o.APIKey = redacted
	}
	type plain Options // no methods: avoids recursion
	return fmt.Sprintf("%+v", plain(o))
}

// GoString is String, so %#v does not print the API key either.
func (o Options) GoString() string { return o.String() }

// DryRun reports whether the client records writes instead of sending them.
func (c *Client) DryRun() bool { return c.opts.DryRun }

// Validator returns the client's validator (and its schema cache).
func (c *Client) Validator() *Validator { return c.validator }

// Prepare validates args for op and builds the request without sending it; see
// [Validator.Prepare].
func (c *Client) Prepare(op *catalog.Operation, args map[string]any) (*Request, error) {
	return c.validator.Prepare(op, args)
}

// Do validates args, then sends the request (see [Client.Send]).
func (c *Client) Do(ctx context.Context, op *catalog.Operation, args map[string]any) (*Result, error) {
	req, err := c.Prepare(op, args)
	if err != nil {
		return nil, err
	}
	return c.Send(ctx, req)
}

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

// DryRunRecord is a write that was recorded instead of sent.
type DryRunRecord struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	// Headers are the headers that would have been sent; Authorization shows
	// "Bearer [REDACTED]".
	Headers map[string]string `json:"headers"`
	// Body is the JSON body (nil when none), as Go values.
	Body any `json:"body,omitempty"`
}

const redacted = "[REDACTED]"

// Send sends a prepared request, retrying per [Options], and returns the result
// or an error: *APIError (non-2xx/3xx), *NetworkError, *ResponseTooLargeError,
// or the context's error.
func (c *Client) Send(ctx context.Context, req *Request) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	start := time.Now()
	op := req.Op
	base := c.opts.BaseURL
	if op != nil && op.Server != "" && !c.baseSet {
		base = strings.TrimRight(op.Server, "/")
	}
	fullURL := base + req.Path
	if req.RawQuery != "" {
		fullURL += "?" + req.RawQuery
	}
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
	auth := catalog.AuthAPIKey
	if op != nil && op.Auth != "" {
		auth = op.Auth
	}
	secret := ""
	switch auth {
	case catalog.AuthAPIKey:
		secret = c.opts.APIKey
	case catalog.AuthAccessToken:
		secret = req.AccessToken
	}
	if secret != "" {
		header["Authorization"] = []string{"Bearer " + secret}
	}
	red := redactor{c.opts.APIKey, req.AccessToken}

	idemKey := req.IdempotencyKey
	if idemKey == "" && req.Method == http.MethodPost && !c.opts.NoAutoIdempotencyKey {
		idemKey = c.newKey()
	}
	if idemKey != "" {
		header["Idempotency-Key"] = []string{idemKey}
	}
	res := &Result{Function: req.Function, IdempotencyKey: idemKey}

	access := catalog.MethodAccess(req.Method)
	if op != nil && op.Access != "" {
		access = op.Access
	}
	if c.opts.DryRun && access != catalog.Read {
		rec := &DryRunRecord{Method: req.Method, URL: red.str(fullURL), Headers: map[string]string{}, Body: req.BodyValue}
		for k := range header {
			v := header.Get(k)
			if k == "Authorization" {
				v = "Bearer " + redacted
			}
			rec.Headers[k] = red.str(v)
		}
		if req.Body != nil {
			var v any
			dec := json.NewDecoder(bytes.NewReader([]byte(red.str(string(req.Body)))))
			dec.UseNumber()
			if dec.Decode(&v) == nil {
				rec.Body = v
			}
		}
		res.DryRun = rec
		res.Duration = time.Since(start)
		return res, nil
	}

	st := &attemptState{retryable: retryableMethod(req.Method, idemKey)}
	actx := context.WithValue(ctx, attemptKey{}, st)
	var rreq *retryablehttp.Request
	var err error
	if req.Body != nil {
		rreq, err = retryablehttp.NewRequestWithContext(actx, req.Method, fullURL, req.Body)
	} else {
		// Without a body there is nothing to rewind between attempts; skip the
		// body-reader plumbing.
		var hreq *http.Request
		if hreq, err = http.NewRequestWithContext(actx, req.Method, fullURL, nil); err == nil {
			rreq = &retryablehttp.Request{Request: hreq}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("workos: %s: build request: %s", req.Function, red.str(err.Error()))
	}
	rreq.Header = header

	resp, err := c.rc.Do(rreq)
	if st.attempts > 0 {
		res.Retries = st.attempts - 1
	}
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			c.logDone(req, 0, "", res.Retries, time.Since(start), ctxErr)
			return nil, ctxErr
		}
		nerr := &NetworkError{Function: req.Function, Method: req.Method, Path: req.Path, Attempts: max(st.attempts, 1), Err: errors.New(red.str(err.Error()))}
		c.logDone(req, 0, "", res.Retries, time.Since(start), nerr)
		return nil, nerr
	}
	defer resp.Body.Close()
	res.Status = resp.StatusCode
	res.Header = resp.Header
	res.RequestID = requestID(resp.Header)

	data, err := readLimited(resp.Body, resp.ContentLength, c.opts.MaxResponseBytes)
	if err != nil {
		res.Duration = time.Since(start)
		if errors.Is(err, errTooLarge) {
			e := &ResponseTooLargeError{Function: req.Function, Method: req.Method, Path: req.Path, Status: resp.StatusCode, RequestID: res.RequestID, Limit: c.opts.MaxResponseBytes}
			c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, e)
			return nil, e
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		nerr := &NetworkError{Function: req.Function, Method: req.Method, Path: req.Path, Attempts: max(st.attempts, 1), Err: errors.New(red.str(err.Error()))}
		c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, nerr)
		return nil, nerr
	}
	res.Duration = time.Since(start)
	if resp.StatusCode >= 400 || resp.StatusCode < 200 {
		if red.needed(data) {
			data = []byte(red.str(string(data)))
		}
		e := parseAPIError(resp.StatusCode, resp.Header, data)
		e.Function, e.Method, e.Path, e.Retries = req.Function, req.Method, req.Path, res.Retries
		e.RetryAfter = max(parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), 0)
		c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, e)
		return nil, e
	}
	if red.needed(data) {
		data = []byte(red.str(string(data)))
	}
	res.Body = data
	c.logDone(req, resp.StatusCode, res.RequestID, res.Retries, res.Duration, nil)
	return res, nil
}

func (c *Client) logDone(req *Request, status int, reqID string, retries int, d time.Duration, err error) {
	l := c.opts.Logger
	if l == nil {
		return
	}
	attrs := []any{"function", req.Function, "method", req.Method, "path", req.Path, "status", status,
		"request_id", reqID, "retries", retries, "duration", d}
	if err != nil {
		l.Debug("workos call failed", append(attrs, "error", err.Error())...)
		return
	}
	l.Debug("workos call", attrs...)
}

// retryableMethod says whether a request may be retried: GET, HEAD, PUT and
// DELETE always; POST and PATCH only with an idempotency key.
func retryableMethod(method, idemKey string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	default:
		return idemKey != ""
	}
}

type attemptKey struct{}

// attemptState is the per-call retry state, carried in the request context so the
// shared retryablehttp client can consult it.
type attemptState struct {
	retryable bool
	attempts  int
}

func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st, _ := ctx.Value(attemptKey{}).(*attemptState)
	if st != nil && !st.retryable {
		return false, nil
	}
	if err != nil {
		retry, rerr := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		if rerr != nil {
			// Not retryable (bad scheme, TLS certificate, too many redirects): pass
			// the original error through as a network failure.
			return false, nil
		}
		if retry && c.opts.Logger != nil {
			c.opts.Logger.Warn("workos: retrying after network error", "attempt", attemptsOf(st))
		}
		return retry, nil
	}
	if retryableStatus(resp.StatusCode) {
		if c.opts.Logger != nil {
			c.opts.Logger.Warn("workos: retrying", "status", resp.StatusCode, "attempt", attemptsOf(st),
				"request_id", requestID(resp.Header))
		}
		return true, nil
	}
	return false, nil
}

func attemptsOf(st *attemptState) int {
	if st == nil {
		return 0
	}
	return st.attempts
}

func retryableStatus(s int) bool {
	return s == http.StatusTooManyRequests || s == http.StatusRequestTimeout ||
		(s >= 500 && s != http.StatusNotImplemented && s != http.StatusHTTPVersionNotSupported)
}

// backoff returns the wait before retry n (0-based): Retry-After when the server
// sent one (capped at MaxRetryAfter), else min·2^n plus up to 50% jitter, capped
// at max.
func (c *Client) backoff(minWait, maxWait time.Duration, n int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ra > 0 {
			return min(ra, c.opts.MaxRetryAfter)
		} else if ra == 0 && resp.Header.Get("Retry-After") != "" {
			return 0
		}
	}
	wait := minWait
	for i := 0; i < n && wait < maxWait; i++ {
		wait *= 2
	}
	if wait > maxWait {
		wait = maxWait
	}
	if wait > 0 {
		wait += time.Duration(rand.Int64N(int64(wait)/2 + 1))
	}
	return min(wait, maxWait)
}

// parseRetryAfter parses a Retry-After value (delay seconds or an HTTP date);
// negative means absent or unparsable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			return 0
		}
		return d
	}
	return -1
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

// redactor removes secrets from text.
type redactor struct{ key, token string }

func (r redactor) needed(b []byte) bool {
	return (len(r.key) >= 4 && bytes.Contains(b, []byte(r.key))) ||
		(len(r.token) >= 4 && bytes.Contains(b, []byte(r.token)))
}

func (r redactor) str(s string) string {
	if len(r.key) >= 4 {
		s = strings.ReplaceAll(s, r.key, redacted)
	}
	if len(r.token) >= 4 {
		s = strings.ReplaceAll(s, r.token, redacted)
	}
	return s
}
