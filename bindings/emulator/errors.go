package emulator

import (
	"fmt"
	"net/http"
)

// apiError is an error response in one of WorkOS's body shapes.
type apiError struct {
	status int
	body   map[string]any
	header map[string]string
}

func (e *apiError) Error() string { return fmt.Sprintf("emulator: %d %v", e.status, e.body["message"]) }

func errBody(status int, code, msg string) *apiError {
	b := map[string]any{"message": msg}
	if code != "" {
		b["code"] = code
	}
	return &apiError{status: status, body: b}
}

// notFound is WorkOS's 404: a code and a message naming the missing id.
func notFound(what, id string) *apiError {
	return errBody(http.StatusNotFound, "entity_not_found", fmt.Sprintf("%s not found: '%s'.", what, id))
}

// invalid is a 422 with errors[{field, code}].
func invalid(field, code, msg string) *apiError {
	e := errBody(http.StatusUnprocessableEntity, "invalid_request_parameters", msg)
	e.body["errors"] = []any{map[string]any{"field": field, "code": code, "message": msg}}
	return e
}

func required422(field string) *apiError {
	return invalid(field, "required", fmt.Sprintf("%s is required.", field))
}

func conflict(code, msg string) *apiError { return errBody(http.StatusConflict, code, msg) }

func badRequest(code, msg string) *apiError { return errBody(http.StatusBadRequest, code, msg) }

// oauthError is the OAuth-style body of /user_management/authenticate and /sso/token.
func oauthError(status int, code, desc string) *apiError {
	return &apiError{status: status, body: map[string]any{"error": code, "error_description": desc}}
}

func unauthorized() *apiError {
	return errBody(http.StatusUnauthorized, "unauthorized", "Unauthorized: provide a valid API key as 'Authorization: Bearer sk_...'.")
}
