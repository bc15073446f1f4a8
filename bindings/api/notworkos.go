package api

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// CodeNotWorkOS is the [APIError.Code] of an answer that is not a WorkOS API
// response: a body that is neither empty nor JSON (an HTML 404 page, a proxy's
// text), which a base URL pointing somewhere else than WorkOS gives.
const CodeNotWorkOS = "not_workos_api"

// notWorkOS returns an *APIError naming the URL when resp's body is not a
// WorkOS answer, or nil. WorkOS answers JSON (or nothing) on every status; a
// redirect's body is never read as an answer, so 3xx is exempt.
func notWorkOS(out *outgoing, resp *http.Response, body []byte) *APIError {
	st := resp.StatusCode
	if st >= 300 && st < 400 {
		return nil
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || looksJSON(resp.Header.Get("Content-Type"), trimmed) {
		return nil
	}
	what := "a non-JSON body"
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && mt != "" {
		what = mt
	}
	where := urlWithoutQuery(out.url)
	msg := fmt.Sprintf("%s answered %d with %s: not a WorkOS API; check the base URL", where, st, what)
	if st >= 500 {
		msg = fmt.Sprintf("%s answered %d with %s: not a WorkOS API answer (a proxy in front of it failed, or the base URL is wrong)", where, st, what)
	}
	req := out.req
	return &APIError{Status: st, Code: CodeNotWorkOS, Message: msg, RequestID: requestID(resp.Header),
		Function: req.Function, Method: req.Method, Path: req.Path}
}

// looksJSON reports whether a body is JSON: declared so, or starting like a
// JSON object, array or string.
func looksJSON(contentType string, trimmed []byte) bool {
	switch trimmed[0] {
	case '{', '[', '"':
		return true
	}
	return strings.Contains(contentType, "json") && !strings.HasPrefix(string(trimmed), "<")
}

// urlWithoutQuery drops the query (it may carry argument values) from u.
func urlWithoutQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}
