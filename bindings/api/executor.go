package api

import (
	"context"
	"errors"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Executor is the Caller (of the workos Lua module, for one) that runs calls in this process: validate the
// arguments, authorize, send with Client, and report each call to Observe. A
// host that brokers calls for scripts running elsewhere uses it directly.
type Executor struct {
	// Client validates and sends the requests. Required.
	Client *Client
	// Authorize, if set, is called after validation and before every request.
	// A non-nil error refuses the call (see [Module.Authorize]).
	Authorize func(ctx context.Context, op *catalog.Operation) error
	// Observe, if set, is called after every call, refused ones included.
	Observe func(CallRecord)
	// Scope, if set, wraps every call, from validation to the answer (see
	// [CallScope]).
	Scope CallScope
}

// Call validates, authorizes, sends and observes one call.
func (e *Executor) Call(ctx context.Context, op *catalog.Operation, args map[string]any, batch bool) (*Result, error) {
	start := time.Now()
	rec := CallRecord{Function: op.Name, Method: op.Method, Path: op.Path, Access: op.Access, Batch: batch}
	if e.Scope != nil {
		var end func(CallRecord)
		ctx, end = e.Scope(ctx, op)
		defer func() { end(rec) }()
	}
	req, err := e.Client.Prepare(op, args)
	var res *Result
	if err == nil {
		rec.Path = e.Client.safePath(req)
		if e.Authorize != nil {
			if aerr := e.Authorize(ctx, op); aerr != nil {
				err = &deniedError{err: aerr}
			}
		}
		if err == nil {
			res, err = e.Client.Send(ctx, req)
		}
	}
	if res != nil {
		rec.Status, rec.RequestID, rec.IdempotencyKey, rec.Retries = res.Status, res.RequestID, res.IdempotencyKey, res.Retries
		rec.DryRun = res.DryRun != nil
	}
	var ae *APIError
	var ne *NetworkError
	if errors.As(err, &ae) {
		rec.Status, rec.RequestID, rec.Retries = ae.Status, ae.RequestID, ae.Retries
	} else if errors.As(err, &ne) {
		rec.Retries = ne.Attempts - 1
	}
	rec.Err = err
	rec.Duration = time.Since(start)
	if e.Observe != nil {
		e.Observe(rec)
	}
	return res, err
}

// Reject reports a call refused before a request could be prepared to Observe.
func (e *Executor) Reject(op *catalog.Operation, err error, batch bool) {
	if e.Observe == nil {
		return
	}
	e.Observe(CallRecord{Function: op.Name, Method: op.Method, Path: op.Path, Access: op.Access, Batch: batch, Err: err})
}

// deniedError wraps an Authorize refusal.
type deniedError struct{ err error }

func (e *deniedError) Error() string { return e.err.Error() }
func (e *deniedError) Unwrap() error { return e.err }
func (e *deniedError) Kind() string {
	var k Kinder
	if errors.As(e.err, &k) {
		return k.Kind()
	}
	return KindDenied
}

// CallRecord describes one finished (or refused) call, for [Executor.Observe].
type CallRecord struct {
	// Function is the canonical name; Method and Path the request line (Path
	// with parameters filled in and the query, secret values masked, when
	// validation succeeded, else the template).
	Function, Method, Path string
	// Status is the HTTP status; 0 when nothing was sent (invalid, refused,
	// dry-run, network error).
	Status int
	// Duration is the wall time of the call, validation to decoded answer.
	Duration time.Duration
	// RequestID and IdempotencyKey are as sent/received.
	RequestID, IdempotencyKey string
	// Access is the operation's access class.
	Access catalog.Access
	// Retries counts retried attempts.
	Retries int
	// DryRun is true when the call was recorded instead of sent.
	DryRun bool
	// Batch is true for calls made by workos.batch.
	Batch bool
	// Err is the failure, nil on success.
	Err error
}
