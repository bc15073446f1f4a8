package otlp

import (
	"math"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of opentelemetry/proto/collector/trace/v1 and
// opentelemetry/proto/trace/v1 (OTLP 1.x), the messages encoded here.
const (
	fRequestResourceSpans = 1 // ExportTraceServiceRequest.resource_spans

	fResourceSpansResource   = 1
	fResourceSpansScopeSpans = 2
	fResourceSpansSchemaURL  = 3

	fResourceAttributes = 1

	fScopeSpansScope     = 1
	fScopeSpansSpans     = 2
	fScopeSpansSchemaURL = 3

	fScopeName    = 1
	fScopeVersion = 2

	fSpanTraceID      = 1
	fSpanSpanID       = 2
	fSpanTraceState   = 3
	fSpanParentSpanID = 4
	fSpanName         = 5
	fSpanKind         = 6
	fSpanStart        = 7
	fSpanEnd          = 8
	fSpanAttributes   = 9
	fSpanDroppedAttrs = 10
	fSpanEvents       = 11
	fSpanStatus       = 15
	fSpanFlags        = 16

	fEventTime       = 1
	fEventName       = 2
	fEventAttributes = 3

	fStatusMessage = 2
	fStatusCode    = 3

	fKeyValueKey   = 1
	fKeyValueValue = 2

	fAnyString = 1
	fAnyBool   = 2
	fAnyInt    = 3
	fAnyDouble = 4
	fAnyArray  = 5

	fArrayValues = 1
)

// OTLP status codes (Status.StatusCode).
const (
	statusUnset = 0
	statusOK    = 1
	statusError = 2
)

// spanFlagsHasIsRemote and spanFlagsIsRemote are OTLP's SpanFlags bits
// saying whether the parent is remote.
const (
	spanFlagsHasIsRemote = 0x100
	spanFlagsIsRemote    = 0x200
)

// encodeRequest encodes spans as an ExportTraceServiceRequest: one
// ResourceSpans per resource, one ScopeSpans per instrumentation scope, in
// the order the spans come.
func encodeRequest(spans []sdktrace.ReadOnlySpan) []byte {
	var out []byte
	for _, group := range groupByResource(spans) {
		out = appendMessage(out, fRequestResourceSpans, encodeResourceSpans(group))
	}
	return out
}

// groupByResource splits spans by resource, keeping their order.
func groupByResource(spans []sdktrace.ReadOnlySpan) [][]sdktrace.ReadOnlySpan {
	var groups [][]sdktrace.ReadOnlySpan
	index := map[attribute.Distinct]int{}
	for _, s := range spans {
		key := s.Resource().Equivalent()
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], s)
	}
	return groups
}

func encodeResourceSpans(spans []sdktrace.ReadOnlySpan) []byte {
	var b []byte
	res := spans[0].Resource()
	var rb []byte
	for _, kv := range res.Attributes() {
		rb = appendMessage(rb, fResourceAttributes, encodeKeyValue(kv))
	}
	b = appendMessage(b, fResourceSpansResource, rb)
	type scopeKey struct{ name, version, schema string }
	var order []scopeKey
	byScope := map[scopeKey][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		sc := s.InstrumentationScope()
		k := scopeKey{sc.Name, sc.Version, sc.SchemaURL}
		if _, ok := byScope[k]; !ok {
			order = append(order, k)
		}
		byScope[k] = append(byScope[k], s)
	}
	for _, k := range order {
		var sb, scb []byte
		scb = appendString(scb, fScopeName, k.name)
		scb = appendString(scb, fScopeVersion, k.version)
		sb = appendMessage(sb, fScopeSpansScope, scb)
		for _, s := range byScope[k] {
			sb = appendMessage(sb, fScopeSpansSpans, encodeSpan(s))
		}
		sb = appendString(sb, fScopeSpansSchemaURL, k.schema)
		b = appendMessage(b, fResourceSpansScopeSpans, sb)
	}
	return appendString(b, fResourceSpansSchemaURL, res.SchemaURL())
}

func encodeSpan(s sdktrace.ReadOnlySpan) []byte {
	var b []byte
	sc := s.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	b = appendBytes(b, fSpanTraceID, tid[:])
	b = appendBytes(b, fSpanSpanID, sid[:])
	b = appendString(b, fSpanTraceState, sc.TraceState().String())
	flags := uint32(sc.TraceFlags()) | spanFlagsHasIsRemote
	if p := s.Parent(); p.IsValid() {
		psid := p.SpanID()
		b = appendBytes(b, fSpanParentSpanID, psid[:])
		if p.IsRemote() {
			flags |= spanFlagsIsRemote
		}
	}
	b = appendString(b, fSpanName, s.Name())
	if k := s.SpanKind(); k != 0 {
		b = protowire.AppendTag(b, fSpanKind, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(k)) // trace.SpanKind has OTLP's numbering
	}
	b = appendFixed64(b, fSpanStart, unixNano(s.StartTime().UnixNano()))
	b = appendFixed64(b, fSpanEnd, unixNano(s.EndTime().UnixNano()))
	for _, kv := range s.Attributes() {
		b = appendMessage(b, fSpanAttributes, encodeKeyValue(kv))
	}
	if n := s.DroppedAttributes(); n > 0 {
		b = protowire.AppendTag(b, fSpanDroppedAttrs, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(n))
	}
	for _, e := range s.Events() {
		var eb []byte
		eb = appendFixed64(eb, fEventTime, unixNano(e.Time.UnixNano()))
		eb = appendString(eb, fEventName, e.Name)
		for _, kv := range e.Attributes {
			eb = appendMessage(eb, fEventAttributes, encodeKeyValue(kv))
		}
		b = appendMessage(b, fSpanEvents, eb)
	}
	b = appendMessage(b, fSpanStatus, encodeStatus(s.Status()))
	b = protowire.AppendTag(b, fSpanFlags, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, flags)
}

func encodeStatus(st sdktrace.Status) []byte {
	var b []byte
	code := statusUnset
	switch st.Code {
	case codes.Ok:
		code = statusOK
	case codes.Error:
		code = statusError
	}
	b = appendString(b, fStatusMessage, st.Description)
	if code != statusUnset {
		b = protowire.AppendTag(b, fStatusCode, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(code))
	}
	return b
}

func encodeKeyValue(kv attribute.KeyValue) []byte {
	b := appendString(nil, fKeyValueKey, string(kv.Key))
	return appendMessage(b, fKeyValueValue, encodeValue(kv.Value))
}

// encodeValue encodes an attribute value as an AnyValue (slices as arrays).
func encodeValue(v attribute.Value) []byte {
	var b []byte
	switch v.Type() {
	case attribute.BOOL:
		b = protowire.AppendTag(b, fAnyBool, protowire.VarintType)
		b = protowire.AppendVarint(b, protowire.EncodeBool(v.AsBool()))
	case attribute.INT64:
		b = appendInt(b, v.AsInt64())
	case attribute.FLOAT64:
		b = appendDouble(b, v.AsFloat64())
	case attribute.BOOLSLICE:
		var ab []byte
		for _, x := range v.AsBoolSlice() {
			ab = appendMessage(ab, fArrayValues, encodeValue(attribute.BoolValue(x)))
		}
		b = appendMessage(b, fAnyArray, ab)
	case attribute.INT64SLICE:
		var ab []byte
		for _, x := range v.AsInt64Slice() {
			ab = appendMessage(ab, fArrayValues, appendInt(nil, x))
		}
		b = appendMessage(b, fAnyArray, ab)
	case attribute.FLOAT64SLICE:
		var ab []byte
		for _, x := range v.AsFloat64Slice() {
			ab = appendMessage(ab, fArrayValues, appendDouble(nil, x))
		}
		b = appendMessage(b, fAnyArray, ab)
	case attribute.STRINGSLICE:
		var ab []byte
		for _, x := range v.AsStringSlice() {
			ab = appendMessage(ab, fArrayValues, appendStringAlways(nil, fAnyString, x))
		}
		b = appendMessage(b, fAnyArray, ab)
	default:
		b = appendStringAlways(b, fAnyString, v.String())
	}
	return b
}

func appendInt(b []byte, x int64) []byte {
	b = protowire.AppendTag(b, fAnyInt, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(x))
}

func appendDouble(b []byte, x float64) []byte {
	b = protowire.AppendTag(b, fAnyDouble, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, math.Float64bits(x))
}

// unixNano is t as OTLP's fixed64 nanoseconds (0 for times before 1970).
func unixNano(n int64) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

func appendMessage(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

// appendString appends a string field, skipping the empty string (proto3's
// default, which is not sent).
func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	return appendStringAlways(b, num, s)
}

// appendStringAlways appends a string field even when empty (a oneof member
// must be present to say which member is set).
func appendStringAlways(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, num protowire.Number, p []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, p)
}

func appendFixed64(b []byte, num protowire.Number, x uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, x)
}
