package luajson

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// DecodeOptions control [DecodeWithOptions]. The zero value (and a nil
// pointer) means MaxDepth [DefaultMaxDepth].
type DecodeOptions struct {
	// MaxDepth bounds array/object nesting; 0 means DefaultMaxDepth.
	// Deeper input gives a *DecodeError.
	MaxDepth int
	// Context, when not nil, is checked every few thousand values; once it
	// is done, decoding stops with context.Cause(Context). Sandboxes use it
	// so that a huge document cannot outlive a timeout or memory limit.
	Context context.Context
}

// Decode converts JSON to a Lua value. Objects become tables marked as
// objects, arrays become tables marked as arrays (so both re-encode the same
// way, even when empty), null becomes nil in objects and at the top level
// and json.null inside arrays (keeping positions), and integers that a
// float64 cannot hold exactly (beyond 2^53) stay Lua strings with their
// exact digits. Malformed input gives a *DecodeError.
func Decode(L *lua.LState, data []byte) (lua.LValue, error) {
	return DecodeString(L, string(data), nil)
}

// DecodeWithOptions is [Decode] with options.
func DecodeWithOptions(L *lua.LState, data []byte, opts *DecodeOptions) (lua.LValue, error) {
	return DecodeString(L, string(data), opts)
}

// DecodeString is [Decode] for input that is already a string; it avoids
// copying the input (decoded strings share its memory).
func DecodeString(L *lua.LState, s string, opts *DecodeOptions) (lua.LValue, error) {
	m := stateMarkers(L)
	d := decoder{s: s, arrMT: m.arrayMT, objMT: m.objectMT, null: m.null, maxDepth: DefaultMaxDepth}
	if opts != nil {
		if opts.MaxDepth > 0 {
			d.maxDepth = opts.MaxDepth
		}
		d.ctx = opts.Context
	}
	d.skipSpace()
	v, err := d.value()
	if err != nil {
		return lua.LNil, err
	}
	d.skipSpace()
	if d.pos < len(d.s) {
		return lua.LNil, d.errorf("unexpected data after the top-level value")
	}
	if v == d.null {
		v = lua.LNil
	}
	return v, nil
}

type decoder struct {
	s        string
	pos      int
	depth    int
	maxDepth int
	arrMT    *lua.LTable
	objMT    *lua.LTable
	null     lua.LValue
	vals     []lua.LValue
	members  []kv
	buf      []byte
	ctx      context.Context
	count    int
	// keys holds one boxed Lua string per distinct object key, shared by
	// every decoded object that has that key; lastKeys[i] is the key last
	// seen at member position i, which in a list of like objects is the
	// one asked for next (a string comparison instead of a map lookup).
	keys     map[string]lua.LValue
	lastKeys []lua.LValue
}

// intern returns the boxed form of the object key k at member position i.
func (d *decoder) intern(i int, k string) lua.LValue {
	if i < len(d.lastKeys) {
		if v := d.lastKeys[i]; string(v.(lua.LString)) == k {
			return v
		}
	}
	v := d.internSlow(k)
	if i < len(d.lastKeys) {
		d.lastKeys[i] = v
	} else if i == len(d.lastKeys) && i < maxKeyPositions {
		d.lastKeys = append(d.lastKeys, v)
	}
	return v
}

// maxKeyPositions bounds lastKeys: member positions past it use the map.
const maxKeyPositions = 64

func (d *decoder) internSlow(k string) lua.LValue {
	if v, ok := d.keys[k]; ok {
		return v
	}
	if d.keys == nil {
		d.keys = make(map[string]lua.LValue)
	}
	v := lua.LValue(lua.LString(k))
	d.keys[k] = v
	return v
}

// ctxCheckEvery is how many values the decoder creates between checks of
// its context.
const ctxCheckEvery = 4096

func (d *decoder) errorf(reason string) error {
	off := min(d.pos, len(d.s))
	line := 1 + strings.Count(d.s[:off], "\n")
	col := off - strings.LastIndexByte(d.s[:off], '\n')
	return &DecodeError{Offset: off, Line: line, Column: col, Reason: reason}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() (lua.LValue, error) {
	if d.ctx != nil {
		d.count++
		if d.count%ctxCheckEvery == 0 && d.ctx.Err() != nil {
			return nil, context.Cause(d.ctx)
		}
	}
	if d.pos >= len(d.s) {
		return nil, d.errorf("unexpected end of input; expected a value")
	}
	switch c := d.s[d.pos]; c {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return lua.LString(s), nil
	case 't':
		return d.literal("true", lua.LTrue)
	case 'f':
		return d.literal("false", lua.LFalse)
	case 'n':
		return d.literal("null", d.null)
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return d.number()
		}
		return nil, d.errorf("unexpected character " + strconv.QuoteRune(rune(c)) + "; expected a value")
	}
}

func (d *decoder) literal(word string, v lua.LValue) (lua.LValue, error) {
	if !strings.HasPrefix(d.s[d.pos:], word) {
		return nil, d.errorf("invalid literal; expected " + word)
	}
	d.pos += len(word)
	return v, nil
}

func (d *decoder) enter() error {
	d.depth++
	if d.depth > d.maxDepth {
		return d.errorf("nesting deeper than " + strconv.Itoa(d.maxDepth) + " levels")
	}
	return nil
}

func (d *decoder) array() (lua.LValue, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // '['
	start := len(d.vals)
	d.skipSpace()
	if d.pos < len(d.s) && d.s[d.pos] == ']' {
		d.pos++
	} else {
		for {
			d.skipSpace()
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			d.vals = append(d.vals, v)
			d.skipSpace()
			if d.pos >= len(d.s) {
				return nil, d.errorf("unexpected end of input; expected ',' or ']'")
			}
			c := d.s[d.pos]
			d.pos++
			if c == ']' {
				break
			}
			if c != ',' {
				d.pos--
				return nil, d.errorf("expected ',' or ']' after an array element")
			}
		}
	}
	elems := d.vals[start:]
	t := newTable(len(elems), 0)
	for i, v := range elems {
		t.RawSetInt(i+1, v)
	}
	clear(elems)
	d.vals = d.vals[:start]
	t.Metatable = d.arrMT
	d.depth--
	return t, nil
}

func (d *decoder) object() (lua.LValue, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // '{'
	start := len(d.members)
	d.skipSpace()
	if d.pos < len(d.s) && d.s[d.pos] == '}' {
		d.pos++
	} else {
		for {
			d.skipSpace()
			if d.pos >= len(d.s) || d.s[d.pos] != '"' {
				return nil, d.errorf("expected a string object key")
			}
			k, err := d.str()
			if err != nil {
				return nil, err
			}
			d.skipSpace()
			if d.pos >= len(d.s) || d.s[d.pos] != ':' {
				return nil, d.errorf("expected ':' after an object key")
			}
			d.pos++
			d.skipSpace()
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			d.members = append(d.members, kv{k, v})
			d.skipSpace()
			if d.pos >= len(d.s) {
				return nil, d.errorf("unexpected end of input; expected ',' or '}'")
			}
			c := d.s[d.pos]
			d.pos++
			if c == '}' {
				break
			}
			if c != ',' {
				d.pos--
				return nil, d.errorf("expected ',' or '}' after an object member")
			}
		}
	}
	members := d.members[start:]
	if directTables && len(members) > 0 {
		t := &lua.LTable{Metatable: d.objMT}
		fillObject(t, members, d.null, d.intern)
		clear(members)
		d.members = d.members[:start]
		d.depth--
		return t, nil
	}
	t := newTable(0, len(members))
	for _, m := range members {
		if m.v == d.null {
			// null in an object means "absent": the key is not set, and an
			// earlier duplicate is removed (last one wins).
			if len(members) > 1 {
				t.RawSetString(m.k, lua.LNil)
			}
			continue
		}
		t.RawSetString(m.k, m.v)
	}
	clear(members)
	d.members = d.members[:start]
	t.Metatable = d.objMT
	d.depth--
	return t, nil
}

// newTable makes a table with exact capacities (lua.LState.CreateTable does
// not need the state).
func newTable(acap, hcap int) *lua.LTable {
	var L *lua.LState
	return L.CreateTable(acap, hcap)
}

// str parses a JSON string starting at the opening quote.
func (d *decoder) str() (string, error) {
	d.pos++ // opening quote
	start := d.pos
	ascii := true
	for i := start; i < len(d.s); i++ {
		c := d.s[i]
		switch {
		case c == '"':
			d.pos = i + 1
			s := d.s[start:i]
			if !ascii && !utf8.ValidString(s) {
				return strings.ToValidUTF8(s, "\uFFFD"), nil
			}
			return s, nil
		case c == '\\':
			d.pos = i
			return d.strSlow(start)
		case c < 0x20:
			d.pos = i
			return "", d.errorf("control character in string; escape it")
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	d.pos = len(d.s)
	return "", d.errorf("unexpected end of input in string")
}

// strSlow handles strings with escapes; d.pos is at the first backslash.
func (d *decoder) strSlow(start int) (string, error) {
	b := append(d.buf[:0], d.s[start:d.pos]...)
	for d.pos < len(d.s) {
		c := d.s[d.pos]
		switch {
		case c == '"':
			d.pos++
			d.buf = b
			return strings.ToValidUTF8(string(b), "\uFFFD"), nil
		case c < 0x20:
			return "", d.errorf("control character in string; escape it")
		case c != '\\':
			b = append(b, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.s) {
			d.pos = len(d.s)
			return "", d.errorf("unexpected end of input in string escape")
		}
		e := d.s[d.pos+1]
		d.pos += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errorf("invalid \\u escape; expected 4 hex digits")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if strings.HasPrefix(d.s[d.pos:], `\u`) {
					save := d.pos
					d.pos += 2
					var ok2 bool
					r2, ok2 = d.hex4()
					if !ok2 {
						return "", d.errorf("invalid \\u escape; expected 4 hex digits")
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						r2 = -2
					} else {
						d.pos = save // second escape is handled on its own
					}
				}
				if r2 != -2 {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			d.pos -= 2
			return "", d.errorf("invalid escape " + strconv.Quote(d.s[d.pos:d.pos+2]))
		}
	}
	return "", d.errorf("unexpected end of input in string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.s[d.pos : d.pos+4]) {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	d.pos += 4
	return r, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number parses a JSON number per RFC 8259.
func (d *decoder) number() (lua.LValue, error) {
	start := d.pos
	i := d.pos
	if d.s[i] == '-' {
		i++
	}
	if i >= len(d.s) || !isDigit(d.s[i]) {
		d.pos = i
		return nil, d.errorf("invalid number; expected a digit")
	}
	if d.s[i] == '0' {
		i++
		if i < len(d.s) && isDigit(d.s[i]) {
			d.pos = i
			return nil, d.errorf("invalid number; leading zeros are not allowed")
		}
	} else {
		for i < len(d.s) && isDigit(d.s[i]) {
			i++
		}
	}
	integral := true
	if i < len(d.s) && d.s[i] == '.' {
		integral = false
		i++
		if i >= len(d.s) || !isDigit(d.s[i]) {
			d.pos = i
			return nil, d.errorf("invalid number; expected a digit after '.'")
		}
		for i < len(d.s) && isDigit(d.s[i]) {
			i++
		}
	}
	if i < len(d.s) && (d.s[i] == 'e' || d.s[i] == 'E') {
		integral = false
		i++
		if i < len(d.s) && (d.s[i] == '+' || d.s[i] == '-') {
			i++
		}
		if i >= len(d.s) || !isDigit(d.s[i]) {
			d.pos = i
			return nil, d.errorf("invalid number; expected a digit in the exponent")
		}
		for i < len(d.s) && isDigit(d.s[i]) {
			i++
		}
	}
	d.pos = i
	lit := d.s[start:i]
	return parseNumber(lit, integral), nil
}

// parseNumber converts a syntactically valid JSON number. Integers with at
// most 15 digits take a fast exact path. Values a float64 cannot hold (an
// integer whose shortest float64 digits differ from the literal, or an
// overflow) stay strings with the exact literal.
func parseNumber(lit string, integral bool) lua.LValue {
	if integral {
		digits := lit
		neg := false
		if digits[0] == '-' {
			neg = true
			digits = digits[1:]
		}
		if len(digits) <= 15 {
			var n int64
			for j := 0; j < len(digits); j++ {
				n = n*10 + int64(digits[j]-'0')
			}
			if neg {
				n = -n
			}
			return lua.LNumber(n)
		}
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return lua.LString(lit) // out of float64 range: keep the digits
	}
	if integral {
		// Keep the number only if encoding it gives back the literal.
		var tmp [32]byte
		if string(appendNumber(tmp[:0], f)) != lit {
			return lua.LString(lit)
		}
	}
	return lua.LNumber(f)
}
