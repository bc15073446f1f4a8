package emulator

import (
	"fmt"
	"net/http"
)

// apiError is an error answer in one of WorkOS's body shapes: {"message", "code",
// ...extra} or, on the OAuth endpoints, {"error", "error_description"}. Handlers
// return it as their error; run renders it with [apiError.body].
type apiError struct {
	status  int
	code    string // omitted from the body when empty
	message string
	// extra holds the body's other fields (errors, pending_authentication_token, ...).
	extra map[string]any
	// oauth renders code as "error" and message as "error_description".
	oauth bool
}

func (e *apiError) Error() string { return fmt.Sprintf("emulator: %d %s", e.status, e.message) }

// with adds a field to the error body and returns e.
func (e *apiError) with(key string, value any) *apiError {
	if e.extra == nil {
		e.extra = map[string]any{}
	}
	e.extra[key] = value
	return e
}

// body is the JSON error body.
func (e *apiError) body() map[string]any {
	if e.oauth {
		return map[string]any{"error": e.code, "error_description": e.message}
	}
	b := make(map[string]any, len(e.extra)+2)
	b["message"] = e.message
	if e.code != "" {
		b["code"] = e.code
	}
	for k, v := range e.extra {
		b[k] = v
	}
	return b
}

func errBody(status int, code, msg string) *apiError {
	return &apiError{status: status, code: code, message: msg}
}

// notFound is WorkOS's 404: a code and a message naming the missing id.
func notFound(what, id string) *apiError {
	return errBody(http.StatusNotFound, "entity_not_found", fmt.Sprintf("%s not found: '%s'.", what, id))
}

// invalid is a 422 with errors[{field, code}].
func invalid(field, code, msg string) *apiError {
	return errBody(http.StatusUnprocessableEntity, "invalid_request_parameters", msg).
		with("errors", []any{map[string]any{"field": field, "code": code, "message": msg}})
}

func required422(field string) *apiError {
	return invalid(field, "required", fmt.Sprintf("%s is required.", field))
}

func conflict(code, msg string) *apiError { return errBody(http.StatusConflict, code, msg) }

func badRequest(code, msg string) *apiError { return errBody(http.StatusBadRequest, code, msg) }

// oauthError is the OAuth-style body of /user_management/authenticate and /sso/token.
func oauthError(status int, code, desc string) *apiError {
	return &apiError{status: status, code: code, message: desc, oauth: true}
}

func unauthorized() *apiError {
	return errBody(http.StatusUnauthorized, "unauthorized", "Unauthorized: provide a valid API key as 'Authorization: Bearer sk_...'.")
}
