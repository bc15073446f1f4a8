package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Error kinds, as reported by the Kind method of this package's errors and as the
// `kind` field of the error table a failed Lua call raises.
const (
	KindAPI              = "api_error"
	KindNetwork          = "network_error"
	KindValidation       = "validation_error"
	KindResponseTooLarge = "response_too_large"
	KindUnknownFunction  = "unknown_function"
	KindDenied           = "denied"
	KindCanceled         = "canceled"
	KindInternal         = "error"
)

// Kinder is implemented by errors that classify themselves. An Authorize hook may
// return an error implementing it to choose the `kind` a script sees (the
// default for hook errors is [KindDenied]).
type Kinder interface {
	Kind() string
}

// KindOf is the kind of a call's error, as the `kind` field of its Lua error
// table and the result envelope report it: the error's own Kind(), or
// unknown_function for a name that did not resolve, canceled for a context
// error, and "error" otherwise.
func KindOf(err error) string {
	var le *catalog.LookupError
	switch {
	case errors.As(err, &le):
		return KindUnknownFunction
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		var kd Kinder
		if errors.As(err, &kd) {
			return kd.Kind()
		}
		return KindCanceled
	}
	var kd Kinder
	if errors.As(err, &kd) {
		return kd.Kind()
	}
	return KindInternal
}

// FieldError is one item of the `errors` array of a WorkOS error body. WorkOS uses
// two shapes: {field, code[, message]} (audit-log events, events, API keys) and
// {property, constraints} (CORS origins); the unused members stay empty.
type FieldError struct {
	Field       string            `json:"field,omitempty"`
	Code        string            `json:"code,omitempty"`
	Message     string            `json:"message,omitempty"`
	Property    string            `json:"property,omitempty"`
	Constraints map[string]string `json:"constraints,omitempty"`
}

// String formats the item as "field: code, message".
func (f FieldError) String() string {
	name := f.Field
	if name == "" {
		name = f.Property
	}
	var parts []string
	if f.Code != "" {
		parts = append(parts, f.Code)
	}
	if f.Message != "" {
		parts = append(parts, f.Message)
	}
	keys := make([]string, 0, len(f.Constraints))
	for k := range f.Constraints {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, f.Constraints[k])
	}
	if name == "" {
		return strings.Join(parts, ": ")
	}
	return name + ": " + strings.Join(parts, ", ")
}

// APIError is a non-2xx answer from WorkOS. Every WorkOS error body shape fills it:
// {message}, {code, message}, {message, errors: [...]}, the OAuth
// {error, error_description}, an empty body and a bare JSON string such as
// "Ratelimited". Fields the body does not carry stay zero.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is the body's "code" (e.g. "rate_limit_exceeded").
	Code string
	// Message is the body's "message", or the bare string body.
	Message string
	// ErrorCode is the OAuth-style "error" member (e.g. "invalid_grant"); it is the
	// `error` field of the Lua error table.
	ErrorCode string
	// ErrorDescription is the OAuth-style "error_description".
	ErrorDescription string
	// Errors are the items of the body's "errors" array.
	Errors []FieldError
	// Extra holds every other top-level member of the body, such as
	// pending_authentication_token, email_verification_id, organizations or user.
	Extra map[string]any
	// RequestID is the X-Request-Id response header.
	RequestID string
	// RetryAfter is the parsed Retry-After header (zero when absent).
	RetryAfter time.Duration
	// Function is the canonical name of the operation; Method and Path the request
	// line (the path with parameters filled in, no query).
	Function, Method, Path string
	// Raw is the response body (up to 64 KiB), with the API key redacted.
	Raw []byte
	// Retries counts the retried attempts before this answer.
	Retries int
}

// Kind returns [KindAPI].
func (e *APIError) Kind() string { return KindAPI }

// Error formats the error like
// "workos: 404 not_found: Organization not found (request_id: req_123)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workos: %d", e.Status)
	code := e.Code
	if code == "" {
		code = e.ErrorCode
	}
	if code != "" {
		b.WriteString(" " + code)
	}
	b.WriteString(": ")
	b.WriteString(e.Summary())
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request_id: %s)", e.RequestID)
	}
	return b.String()
}

// Summary is the human part of the error: the message (or error description, or
// raw body, or the status text) followed by the field errors.
func (e *APIError) Summary() string {
	msg := e.Message
	if msg == "" {
		msg = e.ErrorDescription
	}
	if msg == "" && e.Code == "" && e.ErrorCode == "" {
		msg = strings.TrimSpace(string(e.Raw))
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
	}
	if msg == "" {
		msg = strings.ToLower(http.StatusText(e.Status))
		if msg == "" {
			msg = "request failed"
		}
	}
	if len(e.Errors) > 0 {
		items := make([]string, 0, len(e.Errors))
		for _, fe := range e.Errors {
			items = append(items, fe.String())
		}
		msg += " [" + strings.Join(items, "; ") + "]"
	}
	return msg
}

// NetworkError is a request that got no HTTP answer: connection refused, reset,
// DNS failure, per-request timeout, or a body cut off mid-read. It is retried like
// a 5xx (see [Options.MaxRetries]) before it is returned.
type NetworkError struct {
	// Function, Method and Path identify the call.
	Function, Method, Path string
	// Attempts is how many times the request was sent.
	Attempts int
	// Err is the underlying error, with the API key redacted from its text.
	Err error
}

// Kind returns [KindNetwork].
func (e *NetworkError) Kind() string { return KindNetwork }

// Error names the call, the attempts and the cause.
func (e *NetworkError) Error() string {
	return fmt.Sprintf("workos: network error calling %s (%s %s) after %d attempt(s): %v; check the network and the base URL",
		e.Function, e.Method, e.Path, e.Attempts, e.Err)
}

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }

// ResponseTooLargeError reports a response body larger than
// [Options.MaxResponseBytes]. The call did reach WorkOS (a write took effect).
type ResponseTooLargeError struct {
	Function, Method, Path string
	Status                 int
	RequestID              string
	// Limit is the configured maximum in bytes.
	Limit int64
}

// Kind returns [KindResponseTooLarge].
func (e *ResponseTooLargeError) Kind() string { return KindResponseTooLarge }

// Error names the call and the limit, and how to stay under it.
func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("workos: %s (%s %s): response body exceeds %d bytes; ask for less (a smaller limit, a filter) or raise Options.MaxResponseBytes",
		e.Function, e.Method, e.Path, e.Limit)
}

// ValidationError is a call rejected before any request was sent: an unknown
// argument, a missing required one, a wrong type, a value outside an enum, a
// violated mutually exclusive group or oneOf, or a body that does not match the
// operation's JSON Schema.
type ValidationError struct {
	// Function is the canonical name of the operation; empty when the call
	// named no valid function (workos.call(42), a batch item without a name).
	Function string
	// Param names the offending argument(s) or the JSON path inside the body
	// (e.g. "body.domain_data[1].state"); empty when the problem is the whole call.
	Param string
	// Problem says what is wrong; Hint how to fix it.
	Problem string
	Hint    string
}

// Kind returns [KindValidation].
func (e *ValidationError) Kind() string { return KindValidation }

// Error reads "workos: <function>: <param>: <problem>; <hint>" (function and
// param left out when empty).
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("workos: ")
	if e.Function != "" {
		b.WriteString(e.Function)
		b.WriteString(": ")
	}
	if e.Param != "" {
		b.WriteString(e.Param)
		b.WriteString(": ")
	}
	b.WriteString(e.Problem)
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// maxRawBytes bounds APIError.Raw.
const maxRawBytes = 64 << 10

// parseAPIError fills an APIError from a response body of any WorkOS shape.
func parseAPIError(status int, header http.Header, body []byte) *APIError {
	e := &APIError{Status: status, RequestID: requestID(header)}
	raw := body
	if len(raw) > maxRawBytes {
		raw = raw[:maxRawBytes]
	}
	e.Raw = append([]byte(nil), raw...)
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return e
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		// Not JSON (an HTML error page, plain text): keep it as the message.
		msg := string(trimmed)
		if len(msg) > 500 {
			msg = msg[:500] + "…"
		}
		e.Message = msg
		return e
	}
	switch v := v.(type) {
	case string:
		e.Message = v
	case map[string]any:
		for k, val := range v {
			switch k {
			case "code":
				e.Code = scalarString(val)
			case "message":
				e.Message = scalarString(val)
			case "error":
				e.ErrorCode = scalarString(val)
			case "error_description":
				e.ErrorDescription = scalarString(val)
			case "errors":
				e.Errors = parseFieldErrors(val)
				if e.Errors == nil && val != nil {
					addExtra(e, k, val)
				}
			default:
				addExtra(e, k, val)
			}
		}
	default:
		e.Message = strings.TrimSpace(string(trimmed))
	}
	return e
}

func addExtra(e *APIError, k string, v any) {
	if e.Extra == nil {
		e.Extra = map[string]any{}
	}
	e.Extra[k] = v
}

func scalarString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func parseFieldErrors(v any) []FieldError {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]FieldError, 0, len(arr))
	for _, it := range arr {
		switch it := it.(type) {
		case map[string]any:
			fe := FieldError{
				Field:    scalarString(it["field"]),
				Code:     scalarString(it["code"]),
				Message:  scalarString(it["message"]),
				Property: scalarString(it["property"]),
			}
			if c, ok := it["constraints"].(map[string]any); ok {
				fe.Constraints = make(map[string]string, len(c))
				for k, cv := range c {
					fe.Constraints[k] = scalarString(cv)
				}
			}
			out = append(out, fe)
		case string:
			out = append(out, FieldError{Message: it})
		}
	}
	return out
}

func requestID(h http.Header) string {
	if h == nil {
		return ""
	}
	if v := h.Get("X-Request-Id"); v != "" {
		return v
	}
	return h.Get("Request-Id")
}
