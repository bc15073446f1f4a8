package sandbox

import (
	"fmt"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// formatSpec is one conversion of a string.format format string.
type formatSpec struct {
	// verb is the % with the flags, width and precision that follow it,
	// without the conversion letter: the start of a fmt verb.
	verb string
	// conv is the conversion letter (d, s, q, ...).
	conv byte
	// hasPrec reports an explicit precision (.n).
	hasPrec bool
}

// strFormat is Lua 5.1 string.format with widths and precisions of at most
// two digits and a size check on the result.
func (s *Sandbox) strFormat(L *lua.LState) int {
	coerceStringArgs(L)
	fs := L.CheckString(1)
	top := L.GetTop()
	arg := 1
	out := make([]byte, 0, len(fs)+16)
	for i := 0; i < len(fs); i++ {
		if fs[i] != '%' {
			j := strings.IndexByte(fs[i:], '%')
			if j < 0 {
				j = len(fs) - i
			}
			s.checkGrow(L, "string.format", len(out), j)
			out = append(out, fs[i:i+j]...)
			i += j - 1
			continue
		}
		i++
		if i < len(fs) && fs[i] == '%' {
			out = append(out, '%')
			continue
		}
		var spec formatSpec
		spec, i = parseFormatSpec(L, fs, i)
		arg++
		if arg > top && spec.conv != '%' {
			L.ArgError(arg, "no value")
		}
		out = s.appendFormatted(L, out, spec, arg)
	}
	s.checkSize(L, "string.format", float64(len(out)))
	L.Push(lua.LString(out))
	return 1
}

// parseFormatSpec reads the conversion that starts at fs[i], just after its
// %, and returns it with the index of its conversion letter. Like Lua 5.1 it
// allows at most five flags and two digits of width and of precision.
func parseFormatSpec(L *lua.LState, fs string, i int) (formatSpec, int) {
	start := i
	for i < len(fs) && strings.IndexByte("-+ #0", fs[i]) >= 0 {
		i++
	}
	if i-start > 5 {
		L.RaiseError("invalid format (repeated flags)")
	}
	i = skipFormatDigits(L, fs, i)
	hasPrec := false
	if i < len(fs) && fs[i] == '.' {
		hasPrec = true
		i = skipFormatDigits(L, fs, i+1)
	}
	if i >= len(fs) {
		L.RaiseError("%s", "invalid option '%' to 'format'")
	}
	// fs[start-1] is the %, so the verb is a slice of fs.
	return formatSpec{verb: fs[start-1 : i], conv: fs[i], hasPrec: hasPrec}, i
}

// skipFormatDigits returns the index after the digits at fs[i], raising if
// there are more than two.
func skipFormatDigits(L *lua.LState, fs string, i int) int {
	start := i
	for i < len(fs) && isDigit(fs[i]) {
		i++
	}
	if i-start > 2 {
		L.RaiseError("invalid format (width or precision too long)")
	}
	return i
}

// appendFormatted appends argument arg formatted by spec to out, checking
// the size first.
func (s *Sandbox) appendFormatted(L *lua.LState, out []byte, spec formatSpec, arg int) []byte {
	var piece string
	switch spec.conv {
	case 'c':
		piece = fmt.Sprintf(spec.verb+"s", string([]byte{byte(int64(L.CheckNumber(arg)))}))
	case 'd', 'i':
		piece = fmt.Sprintf(spec.verb+"d", int64(L.CheckNumber(arg)))
	case 'o', 'u', 'x', 'X':
		piece = formatUnsigned(spec, int64(L.CheckNumber(arg)))
	case 'e', 'E', 'f', 'g', 'G':
		piece = formatFloat(spec, float64(L.CheckNumber(arg)))
	case 'q':
		str := L.CheckString(arg)
		s.checkGrow(L, "string.format", len(out), 2*len(str)+2)
		return appendQuoted(out, str)
	case 's':
		str := L.ToStringMeta(L.Get(arg)).String()
		if !spec.hasPrec && len(str) >= 100 {
			// Lua copies long strings as they are, ignoring the width.
			s.checkGrow(L, "string.format", len(out), len(str))
			return append(out, str...)
		}
		piece = fmt.Sprintf(spec.verb+"s", str)
	default:
		L.RaiseError("invalid option '%%%c' to 'format'", spec.conv)
	}
	s.checkGrow(L, "string.format", len(out), len(piece))
	return append(out, piece...)
}

// formatUnsigned formats v for %o, %u, %x or %X; a negative v prints as its
// two's complement, as C's unsigned conversions do.
func formatUnsigned(spec formatSpec, v int64) string {
	verb := string(spec.conv)
	if spec.conv == 'u' {
		verb = "d"
	}
	if v < 0 {
		return fmt.Sprintf(spec.verb+verb, uint64(v))
	}
	return fmt.Sprintf(spec.verb+verb, v)
}

// formatFloat formats f for %e, %E, %f, %g or %G with C's default
// precision of 6; infinities and NaN print as inf, -inf and nan.
func formatFloat(spec formatSpec, f float64) string {
	verb := spec.verb
	if !spec.hasPrec {
		verb += ".6"
	}
	switch {
	case math.IsInf(f, 1):
		return fmt.Sprintf(strings.TrimSuffix(verb, ".6")+"s", "inf")
	case math.IsInf(f, -1):
		return fmt.Sprintf(strings.TrimSuffix(verb, ".6")+"s", "-inf")
	case math.IsNaN(f):
		return fmt.Sprintf(strings.TrimSuffix(verb, ".6")+"s", "nan")
	default:
		return fmt.Sprintf(verb+string(spec.conv), f)
	}
}

// appendQuoted appends s as %q writes it: a Lua string literal that reads
// back as s.
func appendQuoted(out []byte, s string) []byte {
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\n':
			out = append(out, '\\', '\n')
		case '\r':
			out = append(out, '\\', 'r')
		case 0:
			out = append(out, '\\', '0', '0', '0')
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
}
