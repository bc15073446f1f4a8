package runtime

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Tracing: with Options.TracerProvider set, every run (and every Call) is a
// span, and every WorkOS call the host executes for it is a child span
// carrying the function, the path template, the status, the request id and
// the retries. Argument values are never recorded: the path is the
// template (/organizations/{id}), not the filled-in path.

// tracerName is the instrumentation scope of the runtime's spans.
const tracerName = "github.com/kosmo-lua/kosmo-lua/runtime"

// tracer is the runtime's tracer, or nil without a TracerProvider.
func (r *Runtime) tracer() trace.Tracer {
	if r.opts.TracerProvider == nil {
		return nil
	}
	return r.opts.TracerProvider.Tracer(tracerName)
}

// startRunSpan starts the span of a run of script name; end closes it with
// the run's result (nil when the run could not be attempted).
func (r *Runtime) startRunSpan(ctx context.Context, name string) (context.Context, func(*Result)) {
	tr := r.tracer()
	if tr == nil {
		return ctx, func(*Result) {}
	}
	if name == "" {
		name = "script"
	}
	ctx, span := tr.Start(ctx, "kosmo-lua run", trace.WithAttributes(attribute.String("kosmo_lua.script", capText(name))))
	return ctx, func(res *Result) {
		if res != nil {
			span.SetAttributes(attribute.String("kosmo_lua.outcome", string(res.Outcome)), attribute.Int("kosmo_lua.calls", res.Stats.Calls))
			if res.Error != nil {
				span.SetAttributes(attribute.String("error.type", res.Error.Kind))
				span.SetStatus(codes.Error, res.Error.Kind)
			}
		}
		span.End()
	}
}

// callScope is the [api.CallScope] of account's calls: a client span per
// call, a child of the run's span.
func (r *Runtime) callScope(account string) api.CallScope {
	tr := r.tracer()
	if tr == nil {
		return nil
	}
	return func(ctx context.Context, op *catalog.Operation) (context.Context, func(api.CallRecord)) {
		ctx, span := startCallSpan(ctx, tr, account, op)
		return ctx, func(rec api.CallRecord) {
			endCallSpan(span, rec.Status, rec.RequestID, rec.Retries, rec.DryRun, rec.Err)
		}
	}
}

// startCallSpan starts the span of one WorkOS call.
func startCallSpan(ctx context.Context, tr trace.Tracer, account string, op *catalog.Operation) (context.Context, trace.Span) {
	return tr.Start(ctx, "workos "+op.Name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("workos.function", op.Name),
		attribute.String("workos.access", string(op.Access)),
		attribute.String("workos.account", account),
		attribute.String("http.request.method", op.Method),
		attribute.String("url.template", op.Path),
	))
}

// endCallSpan records a call's outcome on its span and ends it.
func endCallSpan(span trace.Span, status int, requestID string, retries int, dryRun bool, err error) {
	if status != 0 {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
	}
	if requestID != "" {
		span.SetAttributes(attribute.String("workos.request_id", capText(requestID)))
	}
	span.SetAttributes(attribute.Int("workos.retries", retries))
	if dryRun {
		span.SetAttributes(attribute.Bool("workos.dry_run", true))
	}
	if err != nil {
		kind := api.KindOf(err)
		var pe *PolicyError
		if errors.As(err, &pe) {
			kind = KindDenied
		}
		span.SetAttributes(attribute.String("error.type", kind))
		span.SetStatus(codes.Error, kind)
	}
	span.End()
}

// traceCall wraps Runtime.CallAccount's call in a span: the run span and
// the call span at once, since a call has no script.
func (r *Runtime) traceCall(ctx context.Context, account string, op *catalog.Operation) (context.Context, func(*api.Result, error)) {
	tr := r.tracer()
	if tr == nil {
		return ctx, func(*api.Result, error) {}
	}
	ctx, span := startCallSpan(ctx, tr, account, op)
	return ctx, func(res *api.Result, err error) {
		var status, retries int
		var reqID string
		var dryRun bool
		if res != nil {
			status, reqID, retries, dryRun = res.Status, res.RequestID, res.Retries, res.DryRun != nil
		}
		var ae *api.APIError
		var ne *api.NetworkError
		if errors.As(err, &ae) {
			status, reqID, retries = ae.Status, ae.RequestID, ae.Retries
		} else if errors.As(err, &ne) {
			retries = ne.Attempts - 1
		}
		endCallSpan(span, status, reqID, retries, dryRun, err)
	}
}
