package api

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

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
	// wire is the call's wire log, nil unless the logger logs debug records.
	wire *wireLog
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
	wait := c.backoffWait(minWait, maxWait, n, resp)
	if resp != nil && resp.Request != nil {
		if st, ok := resp.Request.Context().Value(attemptKey{}).(*attemptState); ok && st.wire != nil {
			st.wire.retrying(st.attempts, resp.StatusCode, wait)
			st.wire.lastErr = false // logged here, not when the next attempt starts
		}
	}
	return wait
}

// backoffWait is [Client.backoff]'s wait.
func (c *Client) backoffWait(minWait, maxWait time.Duration, n int, resp *http.Response) time.Duration {
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
