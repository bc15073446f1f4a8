package luajson

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/lua/syntax"
)

// EncodeError reports a Lua value that cannot be represented as JSON (by
// [Encode] or [ToGo]).
type EncodeError struct {
	// Path locates the offending value, JSONPath-like, with Lua (1-based)
	// array indices: "$", "$.data[3].name", `$["odd key"]`.
	Path string
	// Reason says what is wrong and how to fix it.
	Reason string
}

// Error formats the error as "luajson: cannot encode value at <path>: <reason>".
func (e *EncodeError) Error() string {
	return "luajson: cannot encode value at " + e.Path + ": " + e.Reason
}

// SizeError reports that an encoding grew past [EncodeOptions.MaxBytes].
type SizeError struct {
	// Limit is the configured maximum in bytes.
	Limit int
}

// Error names the byte limit and how to stay under it.
func (e *SizeError) Error() string {
	return fmt.Sprintf("luajson: encoded JSON exceeds %d bytes; encode a smaller value (select the fields you need; a table used several times is written out each time)", e.Limit)
}

// ValueSizeError reports that the result of [ToGoWithOptions] (or [ToGo])
// would exceed [ToGoOptions.MaxNodes] or [ToGoOptions.MaxBytes].
type ValueSizeError struct {
	// Unit names the limit that was hit: "values" (MaxNodes) or "bytes of
	// strings" (MaxBytes).
	Unit string
	// Limit is the limit in that unit.
	Limit int
}

// Error names the limit and how to stay under it.
func (e *ValueSizeError) Error() string {
	return fmt.Sprintf("luajson: value too large to convert: more than %d %s (a table used several times counts each time it appears); pass a smaller value", e.Limit, e.Unit)
}

// WorkError reports that [Encode] or [ToGoWithOptions] walked more table
// slots than [EncodeOptions.MaxWork] or [ToGoOptions.MaxWork] allow.
type WorkError struct {
	// Limit is the configured maximum in table slots.
	Limit int
}

// Error names the limit and how to stay under it.
func (e *WorkError) Error() string {
	return fmt.Sprintf("luajson: value too costly to walk: more than %d table slots (empty array slots left by removed keys count, and a table used several times counts each time); copy sparse tables into new tables with only the keys you need", e.Limit)
}

// DecodeError reports malformed JSON input.
type DecodeError struct {
	// Offset is the byte offset of the problem in the input.
	Offset int
	// Line and Column are 1-based and count bytes.
	Line, Column int
	// Reason describes the problem.
	Reason string
}

// Error gives the position of the problem and the reason.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("luajson: invalid JSON at line %d, column %d (offset %d): %s", e.Line, e.Column, e.Offset, e.Reason)
}

// pathSeg is one step of an error path, collected innermost first.
type pathSeg struct {
	key   string
	index int // 1-based array index when key == "" and isIndex
	isIdx bool
}

// pathError is the internal error carrying segments while unwinding.
type pathError struct {
	segs   []pathSeg
	reason string
	size   *SizeError
}

func (e *pathError) Error() string { return e.reason }

func (e *pathError) push(s pathSeg) *pathError {
	e.segs = append(e.segs, s)
	return e
}

// finish turns an internal error into the exported one.
func finishErr(err error) error {
	pe, ok := err.(*pathError)
	if !ok {
		return err
	}
	if pe.size != nil {
		return pe.size
	}
	return &EncodeError{Path: formatPath(pe.segs), Reason: pe.reason}
}

func formatPath(segs []pathSeg) string {
	var b strings.Builder
	b.WriteByte('$')
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		switch {
		case s.isIdx:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case syntax.IsName(s.key):
			b.WriteByte('.')
			b.WriteString(s.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}
