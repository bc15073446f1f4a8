package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
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
	baseSet := o.BaseURL != ""
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{opts: o, baseSet: baseSet, validator: NewValidator(), newKey: func() string { return uuid.NewString() }}
	hc := newHTTPClient(o)
	if c.wireLogger() != nil {
		next := hc.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		hc.Transport = loggingTransport{next: next}
	}
	c.rc = c.retryingClient(hc)
	return c, nil
}

// withDefaults fills in the zero values of o and checks its base URL.
func (o Options) withDefaults() (Options, error) {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return o, fmt.Errorf("workos: invalid base URL %q: want an absolute http(s) URL such as %s", o.BaseURL, DefaultBaseURL)
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
	return o, nil
}

// newHTTPClient copies o.HTTPClient (or makes a pooled one) with the
// per-attempt timeout, never following redirects.
func newHTTPClient(o Options) *http.Client {
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
	return &hc
}

// retryingClient wraps hc in the client's retry policy (see retry.go).
func (c *Client) retryingClient(hc *http.Client) *retryablehttp.Client {
	o := c.opts
	rc := retryablehttp.NewClient()
	rc.HTTPClient = hc
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
			if st.wire != nil {
				st.wire.attemptStarts(attempt)
			}
		}
	}
	return rc
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
