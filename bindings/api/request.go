package api

import (
	"net/http"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Request is a validated call, ready for [Client.Send].
type Request struct {
	// Op is the operation; Function its canonical name.
	Op       *catalog.Operation
	Function string
	// Method is the HTTP method; Path the path with escaped parameters filled in.
	Method, Path string
	// RawQuery is the encoded query string (without "?"), parameters in
	// specification order.
	RawQuery string
	// Header holds header parameters (not auth, not Idempotency-Key).
	Header http.Header
	// Body is the JSON body, nil when none is sent; BodyValue the same as Go values.
	Body      []byte
	BodyValue any
	// IdempotencyKey is the caller's key (idempotency_key argument or the spec's
	// idempotency-key header parameter); empty lets the client generate one for
	// a POST.
	IdempotencyKey string
	// AccessToken is the bearer of an access_token operation.
	AccessToken string
}
