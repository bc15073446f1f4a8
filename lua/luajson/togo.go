package luajson

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// fromGoMaxDepth stops FromGo on cyclic or absurdly deep Go values.
const fromGoMaxDepth = 1000

// DefaultMaxNodes is the [ToGoOptions.MaxNodes] used when it is 0 (and by
// [ToGo]): one million values.
const DefaultMaxNodes = 1_000_000

// DefaultMaxStringBytes is the [ToGoOptions.MaxBytes] used when it is 0
// (and by [ToGo]): 64 MiB of strings and object keys.
const DefaultMaxStringBytes = 64 << 20

// ToGoOptions control [ToGoWithOptions]. The zero value (and a nil pointer)
// means MaxDepth [DefaultMaxDepth], MaxNodes [DefaultMaxNodes] and MaxBytes
// [DefaultMaxStringBytes].
//
// The limits count the result, not the Lua value: a table that appears N
// times (t = {t, t} repeated) is converted, and counted, N times, so a small
// script value can stand for an enormous result. The limits make such
// values fail fast with a *[ValueSizeError] instead of exhausting memory.
type ToGoOptions struct {
	// MaxDepth bounds table nesting; 0 means DefaultMaxDepth. Deeper values
	// give an *EncodeError.
	MaxDepth int
	// MaxNodes bounds the number of values in the result: every table,
	// array element, object member and scalar counts one. 0 means
	// DefaultMaxNodes; a negative value means unlimited (only for trusted
	// values).
	MaxNodes int
	// MaxBytes bounds the total length of the strings in the result, string
	// values and object keys alike. 0 means DefaultMaxStringBytes; a
	// negative value means unlimited (only for trusted values).
	MaxBytes int
	// MaxWork bounds the table slots the conversion walks, as
	// [EncodeOptions.MaxWork] does. 0 means DefaultMaxWork; a negative
	// value means unlimited (only for trusted values). Exceeding it gives
	// a *WorkError.
	MaxWork int
	// Context, when not nil, is checked every few thousand table slots
	// walked; once it is done, the conversion stops with
	// context.Cause(Context).
	Context context.Context
}

// ToGo converts a Lua value to the Go value encoding/json would produce for
// its JSON form: map[string]any for objects, []any for arrays, string, bool,
// nil, int64 for integral numbers within ±2^63 (float64 otherwise) and
// [Null] for json.null. Tables follow the same array/object rules as
// [Encode]; an unmarked empty table becomes an empty []any. Values with no
// JSON form (functions, NaN, cycles, ...) give an *EncodeError with the path.
// It applies the default limits of [ToGoOptions]; a larger result gives a
// *[ValueSizeError].
func ToGo(v lua.LValue) (any, error) {
	return ToGoWithOptions(v, nil)
}

// ToGoWithOptions is [ToGo] with options (nil means the defaults).
func ToGoWithOptions(v lua.LValue, opts *ToGoOptions) (any, error) {
	c := converter{maxDepth: DefaultMaxDepth, nodesLeft: DefaultMaxNodes, bytesLeft: DefaultMaxStringBytes}
	c.maxNodes, c.maxBytes = c.nodesLeft, c.bytesLeft
	var ctx context.Context // nil: not checked
	maxWork := 0            // DefaultMaxWork
	if opts != nil {
		ctx, maxWork = opts.Context, opts.MaxWork
		if opts.MaxDepth > 0 {
			c.maxDepth = opts.MaxDepth
		}
		switch {
		case opts.MaxNodes > 0:
			c.maxNodes, c.nodesLeft = opts.MaxNodes, opts.MaxNodes
		case opts.MaxNodes < 0:
			c.maxNodes, c.nodesLeft = 0, math.MaxInt
		}
		switch {
		case opts.MaxBytes > 0:
			c.maxBytes, c.bytesLeft = opts.MaxBytes, opts.MaxBytes
		case opts.MaxBytes < 0:
			c.maxBytes, c.bytesLeft = 0, math.MaxInt
		}
	}
	c.work = newWorkBudget(ctx, maxWork)
	out, err := c.toGo(v)
	if err != nil {
		return nil, finishErr(err)
	}
	return out, nil
}

type converter struct {
	shaper
	maxDepth int
	stack    []*lua.LTable
	// maxNodes and maxBytes are the limits for error messages (0:
	// unlimited); nodesLeft and bytesLeft count down.
	maxNodes, maxBytes   int
	nodesLeft, bytesLeft int
	work                 workBudget
}

// useNodes takes n values from the budget.
func (c *converter) useNodes(n int) error {
	if n > c.nodesLeft {
		return &ValueSizeError{Unit: "values", Limit: c.maxNodes}
	}
	c.nodesLeft -= n
	return nil
}

// useBytes takes n string bytes from the budget.
func (c *converter) useBytes(n int) error {
	if n > c.bytesLeft {
		return &ValueSizeError{Unit: "bytes of strings", Limit: c.maxBytes}
	}
	c.bytesLeft -= n
	return nil
}

func (c *converter) toGo(v lua.LValue) (any, error) {
	if err := c.useNodes(1); err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(v), nil
	case lua.LString:
		if err := c.useBytes(len(v)); err != nil {
			return nil, err
		}
		return string(v), nil
	case lua.LNumber:
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, &pathError{reason: "number " + v.String() + " has no JSON form; check for a division by zero or pass it as a string"}
		}
		if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
			return int64(f), nil
		}
		return f, nil
	case *lua.LUserData:
		if v.Value == Null {
			return Null, nil
		}
		return nil, &pathError{reason: "a " + typeName(v) + " has no JSON form; convert it to a string or remove it"}
	case *lua.LTable:
		return c.table(v)
	default:
		return nil, &pathError{reason: "a " + typeName(v) + " has no JSON form; remove it or replace it with a string"}
	}
}

// table converts t to []any or map[string]any.
func (c *converter) table(t *lua.LTable) (any, error) {
	isArr, n, err := c.enterTable(c.stack, t, c.maxDepth, &c.work)
	if err != nil {
		return nil, err
	}
	c.stack = append(c.stack, t)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()
	if isArr {
		return c.array(t, n)
	}
	return c.object(t)
}

// array converts t[1]..t[n]; holes (in a marked array) become [Null].
func (c *converter) array(t *lua.LTable, n int) (any, error) {
	// Reserve the elements before allocating them, so that a long array
	// that does not fit fails without the allocation.
	if n > c.nodesLeft {
		return nil, &ValueSizeError{Unit: "values", Limit: c.maxNodes}
	}
	out := make([]any, n)
	for i := 1; i <= n; i++ {
		ev := t.RawGetInt(i)
		if ev == lua.LNil {
			out[i-1] = Null
			continue
		}
		g, err := c.toGo(ev)
		if err != nil {
			return nil, pushIdx(err, i)
		}
		out[i-1] = g
	}
	return out, nil
}

// object converts t to a map, its keys converted to object keys.
func (c *converter) object(t *lua.LTable) (any, error) {
	out := make(map[string]any)
	var ferr error
	t.ForEach(func(k, v lua.LValue) {
		if ferr != nil {
			return
		}
		ks, r := objectKey(k)
		if r != "" {
			ferr = &pathError{reason: r}
			return
		}
		if err := c.useBytes(len(ks)); err != nil {
			ferr = err
			return
		}
		if _, dup := out[ks]; dup {
			ferr = (&pathError{reason: "two keys convert to " + strconv.Quote(ks) + " (a number key and a string key); keep only one"}).push(pathSeg{key: ks})
			return
		}
		g, err := c.toGo(v)
		if err != nil {
			ferr = pushKey(err, ks)
			return
		}
		out[ks] = g
	})
	if ferr != nil {
		return nil, ferr
	}
	return out, nil
}

// FromGo converts a Go value to a Lua value in L. It accepts what
// encoding/json produces and more: map[string]any (a table marked as
// object; nil members are left out), []any (a table marked as array; nil
// elements become json.null), string, bool, nil, all integer and float
// types, json.Number, json.RawMessage (decoded; kept as a string if it is
// not valid JSON), [Null] (json.null) and lua.LValue (returned as is).
// Integers beyond ±2^53 that a float64 cannot hold exactly become strings
// with their exact digits. Any other type goes through json.Marshal; if that
// fails the result is the fmt %v string of the value. Values nested deeper
// than 1000 levels (e.g. cyclic maps) become json.null.
func FromGo(L *lua.LState, v any) lua.LValue {
	m := stateMarkers(L)
	f := fromGo{L: L, m: m}
	return f.conv(v, 0)
}

// fromGo converts Go values into tables of L marked with m.
type fromGo struct {
	L *lua.LState
	m markers
}

// intValue converts n, as a string of its digits when a float64 cannot
// hold it exactly.
func intValue(n int64) lua.LValue {
	if n > maxExactInt || n < -maxExactInt {
		return lua.LString(strconv.FormatInt(n, 10))
	}
	return lua.LNumber(n)
}

// uintValue is intValue for unsigned integers.
func uintValue(n uint64) lua.LValue {
	if n > maxExactInt {
		return lua.LString(strconv.FormatUint(n, 10))
	}
	return lua.LNumber(n)
}

// conv converts v, found depth levels deep in the value given to FromGo.
func (f *fromGo) conv(v any, depth int) lua.LValue {
	if depth > fromGoMaxDepth {
		return f.m.null
	}
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case lua.LValue:
		return v
	case nullType:
		return f.m.null
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case json.Number:
		return f.jsonNumber(v)
	case json.RawMessage:
		out, err := DecodeString(f.L, string(v), nil)
		if err != nil {
			return lua.LString(v)
		}
		return out
	case map[string]any:
		return f.object(v, depth)
	case []any:
		return f.array(v, depth)
	case []string:
		t := f.L.CreateTable(len(v), 0)
		for i, e := range v {
			t.RawSetInt(i+1, lua.LString(e))
		}
		t.Metatable = f.m.arrayMT
		return t
	case map[string]string:
		t := f.L.CreateTable(0, len(v))
		for k, e := range v {
			t.RawSetString(k, lua.LString(e))
		}
		t.Metatable = f.m.objectMT
		return t
	}
	if n, ok := goNumber(v); ok {
		return n
	}
	return f.viaJSON(v)
}

// goNumber converts the Go integer types and float32; ok is false for any
// other type.
func goNumber(v any) (n lua.LValue, ok bool) {
	switch v := v.(type) {
	case float32:
		return lua.LNumber(v), true
	case int:
		return intValue(int64(v)), true
	case int8:
		return lua.LNumber(v), true
	case int16:
		return lua.LNumber(v), true
	case int32:
		return lua.LNumber(v), true
	case int64:
		return intValue(v), true
	case uint:
		return uintValue(uint64(v)), true
	case uint8:
		return lua.LNumber(v), true
	case uint16:
		return lua.LNumber(v), true
	case uint32:
		return lua.LNumber(v), true
	case uint64:
		return uintValue(v), true
	}
	return nil, false
}

// jsonNumber converts a JSON number literal as Decode would; anything else
// stays a string.
func (f *fromGo) jsonNumber(v json.Number) lua.LValue {
	d := decoder{s: string(v), null: f.m.null, maxDepth: 1}
	if len(d.s) > 0 && (d.s[0] == '-' || isDigit(d.s[0])) {
		if n, err := d.number(); err == nil && d.pos == len(d.s) {
			return n
		}
	}
	return lua.LString(v)
}

// object converts m to a table marked as object, leaving out nil members.
func (f *fromGo) object(m map[string]any, depth int) lua.LValue {
	t := f.L.CreateTable(0, len(m))
	for k, e := range m {
		if e == nil {
			continue
		}
		t.RawSetString(k, f.conv(e, depth+1))
	}
	t.Metatable = f.m.objectMT
	return t
}

// array converts a to a table marked as array; nil elements become
// json.null.
func (f *fromGo) array(a []any, depth int) lua.LValue {
	t := f.L.CreateTable(len(a), 0)
	for i, e := range a {
		if e == nil {
			t.RawSetInt(i+1, f.m.null)
			continue
		}
		t.RawSetInt(i+1, f.conv(e, depth+1))
	}
	t.Metatable = f.m.arrayMT
	return t
}

// viaJSON converts any other Go value through its json.Marshal form, or
// its fmt %v string when that fails.
func (f *fromGo) viaJSON(v any) lua.LValue {
	b, err := json.Marshal(v)
	if err != nil {
		return lua.LString(fmt.Sprintf("%v", v))
	}
	out, err := DecodeString(f.L, string(b), nil)
	if err != nil {
		return lua.LString(fmt.Sprintf("%v", v))
	}
	return out
}
