package api

import (
	"context"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// CallScope opens a scope around one call of an [Executor] (a tracing span,
// for one): it gets the call's context before validation and returns the
// context the call continues in and the function that closes the scope with
// the call's record (the same one Observe gets). It must return quickly and
// may be called from several goroutines at once.
type CallScope func(ctx context.Context, op *catalog.Operation) (context.Context, func(CallRecord))
