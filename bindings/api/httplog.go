package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Wire logging: with an [Options.Logger] enabled at debug level, every HTTP
// attempt is logged as it ends ("http": method, path with query, status,
// latency, request id, attempt) and every retry before its wait ("http
// retry": the wait and why). Secrets never reach the log: no header is
// logged, the API key and the call's access token are replaced in the URL and
// in error text, and query values whose names carry secrets are masked.

// secretQueryNames are query parameters whose values are masked in logs and
// call records (OAuth codes, secrets and tokens travel in queries).
var secretQueryNames = []string{"secret", "token", "code", "password", "key", "session", "signature"}

// SafeQuery returns rawQuery with the values of secret-looking parameters
// (client_secret, code, *_token, ...) replaced by [REDACTED], for logs and
// envelopes. It keeps the order and encoding of the other parameters.
func SafeQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	parts := strings.Split(rawQuery, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if !hasValue {
			continue
		}
		if n, err := url.QueryUnescape(name); err == nil && secretQueryName(n) {
			parts[i] = name + "=" + redacted
		}
	}
	return strings.Join(parts, "&")
}

// secretQueryName reports whether a query parameter holds a secret.
func secretQueryName(name string) bool {
	name = strings.ToLower(name)
	for _, s := range secretQueryNames {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// wireLog is the per-call state of wire logging, carried in the attempt state.
type wireLog struct {
	log      *slog.Logger
	function string
	redact   redactor
	max      int
	// lastEnd is when the previous attempt ended, and lastErr whether it got
	// no answer (its retry wait is then logged when the next attempt starts).
	lastEnd time.Time
	lastErr bool
}

// wireLogger returns c's logger when it logs debug records, else nil.
func (c *Client) wireLogger() *slog.Logger {
	if l := c.opts.Logger; l != nil && l.Enabled(context.Background(), slog.LevelDebug) {
		return l
	}
	return nil
}

// loggingTransport logs every attempt that passes through it.
type loggingTransport struct{ next http.RoundTripper }

// RoundTrip sends req and logs its outcome when the call has wire logging.
func (t loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st, _ := req.Context().Value(attemptKey{}).(*attemptState)
	if st == nil || st.wire == nil {
		return t.next.RoundTrip(req)
	}
	w := st.wire
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	latency := time.Since(start)
	w.lastEnd, w.lastErr = time.Now(), err != nil
	attrs := []any{"function", w.function, "method", req.Method, "url", w.safeURL(req.URL),
		"latency", latency.Round(time.Microsecond), "attempt", st.attempts}
	if err != nil {
		w.log.Debug("http", append(attrs, "error", w.redact.str(err.Error()))...)
		return resp, err
	}
	attrs = append(attrs, "status", resp.StatusCode)
	if id := requestID(resp.Header); id != "" {
		attrs = append(attrs, "request_id", id)
	}
	w.log.Debug("http", attrs...)
	return resp, nil
}

// safeURL is u's path and query, secrets masked.
func (w *wireLog) safeURL(u *url.URL) string {
	s := u.EscapedPath()
	if q := SafeQuery(u.RawQuery); q != "" {
		s += "?" + q
	}
	return w.redact.str(s)
}

// retrying logs the wait before retry attempt n+1 (1-based n attempts done)
// after an answer with status (0: no answer).
func (w *wireLog) retrying(n, status int, wait time.Duration) {
	attrs := []any{"function", w.function, "next_attempt", n + 1, "of", w.max + 1, "wait", wait.Round(time.Millisecond)}
	if status != 0 {
		attrs = append(attrs, "after_status", status)
	}
	w.log.Debug("http retry", attrs...)
}

// attemptStarts logs, for a retry after a request that got no answer, the
// wait it took (the backoff saw no response to log it by).
func (w *wireLog) attemptStarts(attempt int) {
	if attempt > 0 && w.lastErr {
		w.retrying(attempt, 0, time.Since(w.lastEnd))
	}
}

// safePath is req's path and query as logs and call records show them:
// secret-looking query values masked (see [SafeQuery]) and the API key and
// the call's access token replaced wherever they appear.
func (c *Client) safePath(req *Request) string {
	s := req.Path
	if q := SafeQuery(req.RawQuery); q != "" {
		s += "?" + q
	}
	return redactor{c.opts.APIKey, req.AccessToken}.str(s)
}
