package luajson

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// DefaultMaxDepth is the nesting limit used when an options MaxDepth is 0.
const DefaultMaxDepth = 200

// maxExactInt is 2^53: every integer of at most this magnitude is exact in a
// float64 (and so in a lua.LNumber).
const maxExactInt = 1 << 53

// DefaultMaxBytes is the output limit of [Encode] when an options MaxBytes
// is 0 (or the options are nil): 64 MiB. It is finite so that no script
// value (such as a table that reuses one subtable many times, which is
// written out in full each time) can make the encoder exhaust memory.
const DefaultMaxBytes = 64 << 20

// EncodeOptions control [Encode]. The zero value (and a nil pointer) means
// compact output, MaxDepth [DefaultMaxDepth], MaxBytes [DefaultMaxBytes] and
// no context.
type EncodeOptions struct {
	// Indent, when not empty, pretty-prints with one Indent per level and
	// `"key": value` members.
	Indent string
	// MaxDepth bounds table nesting; 0 means DefaultMaxDepth. Deeper values
	// give an *EncodeError.
	MaxDepth int
	// MaxBytes bounds the output size; 0 means DefaultMaxBytes and a
	// negative value means unlimited (only for trusted values). The limit is
	// checked while writing, so exceeding it gives a *SizeError as soon as
	// the output passes it, with at most one string or object key of
	// overshoot.
	MaxBytes int
	// Context, when not nil, is checked every few thousand values and
	// every few thousand table slots walked; once it is done, encoding
	// stops with context.Cause(Context). Sandboxes use it so that a large
	// encoding cannot outlive a timeout.
	Context context.Context
	// MaxWork bounds the table slots the encoder walks, counting every
	// slot of a table's array part (also the empty ones gopher-lua scans
	// to find its length, as after t[1e6] = true; t[1e6] = nil) and of its
	// hash part, each time the table is encoded. 0 means DefaultMaxWork; a
	// negative value means unlimited (only for trusted values). Exceeding
	// it gives a *WorkError.
	MaxWork int
}

type encoder struct {
	shaper
	buf      []byte
	indent   string
	maxDepth int
	maxBytes int // 0: unlimited
	ctx      context.Context
	count    int
	work     workBudget
	stack    []*lua.LTable
	scratch  []kv
	// memo remembers where the encoding of each large table was written,
	// so that a table used again (at the same depth, when indenting) is
	// copied instead of walked again. Scripts can build values that reuse
	// a subtable 2^n times from n tables; with memo such values reach the
	// size limit at copying speed.
	memo map[memoKey]span
}

// memoMin is the smallest table encoding memo keeps. Smaller tables are
// cheap to walk again, and the threshold keeps memo to at most one entry
// per memoMin bytes of output.
const memoMin = 1024

// memoKey identifies a table encoding: the table and, when indenting, its
// depth (which sets the indentation of its lines).
type memoKey struct {
	t     *lua.LTable
	depth int
}

// span is a range of encoder.buf.
type span struct{ start, end int }

// Encode converts a Lua value to JSON. Tables encode as arrays or objects by
// the rules in the package documentation, object keys are sorted, integral
// numbers print as integers, and json.null encodes as null. Errors are an
// *EncodeError naming the path of the offending value, a *SizeError, or
// context.Cause of a done [EncodeOptions.Context].
func Encode(v lua.LValue, opts *EncodeOptions) ([]byte, error) {
	e := encoder{maxDepth: DefaultMaxDepth, maxBytes: DefaultMaxBytes}
	maxWork := 0 // DefaultMaxWork
	if opts != nil {
		e.indent = opts.Indent
		if opts.MaxDepth > 0 {
			e.maxDepth = opts.MaxDepth
		}
		switch {
		case opts.MaxBytes > 0:
			e.maxBytes = opts.MaxBytes
		case opts.MaxBytes < 0:
			e.maxBytes = 0
		}
		e.ctx, maxWork = opts.Context, opts.MaxWork
	}
	e.work = newWorkBudget(e.ctx, maxWork)
	e.buf = make([]byte, 0, 512)
	if err := e.value(v); err != nil {
		return nil, finishErr(err)
	}
	return e.buf, nil
}

func (e *encoder) sizeErr() error {
	return &pathError{size: &SizeError{Limit: e.maxBytes}}
}

// room reports whether n more bytes fit under the limit.
func (e *encoder) room(n int) bool {
	return e.maxBytes <= 0 || len(e.buf)+n <= e.maxBytes
}

func (e *encoder) value(v lua.LValue) error {
	// Everything written since the last check (punctuation, one newline,
	// one key) was checked or is bounded, but check again before each value
	// so that a long run of small values stops at the limit.
	if !e.room(0) {
		return e.sizeErr()
	}
	if e.ctx != nil {
		e.count++
		if e.count%ctxCheckEvery == 0 && e.ctx.Err() != nil {
			return context.Cause(e.ctx)
		}
	}
	switch v := v.(type) {
	case lua.LString:
		if !e.room(len(v) + 2) {
			return e.sizeErr()
		}
		e.buf = appendString(e.buf, string(v))
	case lua.LNumber:
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return &pathError{reason: "number " + v.String() + " has no JSON form; check for a division by zero or encode it as a string"}
		}
		e.buf = appendNumber(e.buf, f)
	case lua.LBool:
		if v {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case *lua.LNilType:
		e.buf = append(e.buf, "null"...)
	case *lua.LTable:
		if err := e.table(v); err != nil {
			return err
		}
	case *lua.LUserData:
		if v.Value != Null {
			return &pathError{reason: "a " + typeName(v) + " has no JSON form; convert it to a string or remove it"}
		}
		e.buf = append(e.buf, "null"...)
	default:
		return &pathError{reason: "a " + typeName(v) + " has no JSON form; remove it or replace it with a string"}
	}
	if !e.room(0) {
		return e.sizeErr()
	}
	return nil
}

// newline starts a line indented for depth levels, checking the limit per
// level (the indent is script-controlled and may itself be large).
func (e *encoder) newline(depth int) error {
	e.buf = append(e.buf, '\n')
	for range depth {
		if !e.room(len(e.indent)) {
			return e.sizeErr()
		}
		e.buf = append(e.buf, e.indent...)
	}
	return nil
}

// table encodes t, copying an earlier encoding of it when memo has one.
// The encoder runs no Lua code, so a table encodes the same way each time.
func (e *encoder) table(t *lua.LTable) error {
	key := memoKey{t: t}
	if e.indent != "" {
		key.depth = len(e.stack)
	}
	if e.memo != nil {
		if sp, ok := e.memo[key]; ok {
			if !e.room(sp.end - sp.start) {
				return e.sizeErr()
			}
			// A copy stands for many values; charge one slot and check
			// the context each time (a context check is cheap next to
			// the copy or the walk it saves).
			if err := e.work.charge(1); err != nil {
				return err
			}
			if e.ctx != nil && e.ctx.Err() != nil {
				return context.Cause(e.ctx)
			}
			e.buf = append(e.buf, e.buf[sp.start:sp.end]...)
			return nil
		}
	}
	start := len(e.buf)
	if err := e.walkTable(t); err != nil {
		return err
	}
	// Large output, or a table that is costly to walk (a large or sparse
	// array part): copy its encoding next time instead.
	if len(e.buf)-start >= memoMin || tableSlots(t) >= shapeMemoMin {
		if e.memo == nil {
			e.memo = make(map[memoKey]span)
		}
		e.memo[key] = span{start, len(e.buf)}
	}
	return nil
}

// walkTable encodes t member by member.
func (e *encoder) walkTable(t *lua.LTable) error {
	isArr, n, err := e.enterTable(e.stack, t, e.maxDepth, &e.work)
	if err != nil {
		return err
	}
	e.stack = append(e.stack, t)
	defer func() { e.stack = e.stack[:len(e.stack)-1] }()
	if isArr {
		return e.writeArray(t, n)
	}
	return e.writeObject(t)
}

// writeArray writes t[1]..t[n] as a JSON array.
func (e *encoder) writeArray(t *lua.LTable, n int) error {
	e.buf = append(e.buf, '[')
	for i := 1; i <= n; i++ {
		if i > 1 {
			e.buf = append(e.buf, ',')
		}
		if e.indent != "" {
			if err := e.newline(len(e.stack)); err != nil {
				return err
			}
		}
		if err := e.value(t.RawGetInt(i)); err != nil {
			return pushIdx(err, i)
		}
	}
	if e.indent != "" && n > 0 {
		if err := e.newline(len(e.stack) - 1); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

// writeObject writes t as a JSON object with its keys sorted.
func (e *encoder) writeObject(t *lua.LTable) error {
	start := len(e.scratch)
	defer func() { clear(e.scratch[start:]); e.scratch = e.scratch[:start] }()
	if err := e.collectMembers(t); err != nil {
		return err
	}
	members := e.scratch[start:]
	slices.SortFunc(members, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	e.buf = append(e.buf, '{')
	for i := range members {
		// Index again: nested calls may grow (reallocate) e.scratch.
		m := e.scratch[start+i]
		if i > 0 {
			if m.k == e.scratch[start+i-1].k {
				return (&pathError{reason: "two keys encode as " + strconv.Quote(m.k) + " (a number key and a string key); keep only one"}).push(pathSeg{key: m.k})
			}
			e.buf = append(e.buf, ',')
		}
		if err := e.writeMember(m); err != nil {
			return err
		}
	}
	if e.indent != "" && len(members) > 0 {
		if err := e.newline(len(e.stack) - 1); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// collectMembers appends the members of t to e.scratch, their keys
// converted to object keys.
func (e *encoder) collectMembers(t *lua.LTable) error {
	if directTables {
		if strdict, others := stringMembers(t); !others {
			for k, v := range strdict {
				if v != lua.LNil {
					e.scratch = append(e.scratch, kv{k, v})
				}
			}
			return nil
		}
	}
	var keyErr string
	t.ForEach(func(k, v lua.LValue) {
		if keyErr != "" {
			return
		}
		ks, r := objectKey(k)
		if r != "" {
			keyErr = r
			return
		}
		e.scratch = append(e.scratch, kv{ks, v})
	})
	if keyErr != "" {
		return &pathError{reason: keyErr}
	}
	return nil
}

// writeMember writes one "key":value member of an object.
func (e *encoder) writeMember(m kv) error {
	if e.indent != "" {
		if err := e.newline(len(e.stack)); err != nil {
			return err
		}
	}
	if !e.room(len(m.k) + 4) {
		return e.sizeErr()
	}
	e.buf = appendString(e.buf, m.k)
	e.buf = append(e.buf, ':')
	if e.indent != "" {
		e.buf = append(e.buf, ' ')
	}
	if err := e.value(m.v); err != nil {
		return pushKey(err, m.k)
	}
	return nil
}

func pushIdx(err error, i int) error {
	if pe, ok := err.(*pathError); ok {
		return pe.push(pathSeg{index: i, isIdx: true})
	}
	return err
}

func pushKey(err error, k string) error {
	if pe, ok := err.(*pathError); ok {
		return pe.push(pathSeg{key: k})
	}
	return err
}

// appendNumber appends a finite float64 in JSON form. Integral values print
// as integers (exact digits up to 2^53, shortest round-trip digits padded
// with zeros beyond); others use the shortest representation that parses
// back to the same float64, like encoding/json.
func appendNumber(b []byte, f float64) []byte {
	if f == math.Trunc(f) {
		if math.Abs(f) <= maxExactInt {
			return strconv.AppendInt(b, int64(f), 10)
		}
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	abs := math.Abs(f)
	if abs < 1e-6 {
		n := len(b)
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		// Clean up e-09 to e-9, as encoding/json does.
		if m := len(b) - n; m >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 bytes become
// U+FFFD, as in encoding/json.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
