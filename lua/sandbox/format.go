package sandbox

import (
	"fmt"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// strFormat is Lua 5.1 string.format with widths and precisions of at most
// two digits and a size check on the result.
func (s *Sandbox) strFormat(L *lua.LState) int {
	fs := L.CheckString(1)
	top := L.GetTop()
	arg := 1
	out := make([]byte, 0, len(fs)+16)
	grow := func(n int) {
		if len(out)+n > s.maxString {
			s.raise(L, s.memoryError("string.format", float64(len(out)+n)))
		}
	}
	for i := 0; i < len(fs); i++ {
		c := fs[i]
		if c != '%' {
			j := strings.IndexByte(fs[i:], '%')
			if j < 0 {
				j = len(fs) - i
			}
			grow(j)
			out = append(out, fs[i:i+j]...)
			i += j - 1
			continue
		}
		i++
		if i < len(fs) && fs[i] == '%' {
			out = append(out, '%')
			continue
		}
		start := i
		for i < len(fs) && strings.IndexByte("-+ #0", fs[i]) >= 0 {
			i++
		}
		if i-start > 5 {
			L.RaiseError("invalid format (repeated flags)")
		}
		digits := func() {
			d := 0
			for i < len(fs) && isDigit(fs[i]) {
				i++
				d++
			}
			if d > 2 {
				L.RaiseError("invalid format (width or precision too long)")
			}
		}
		digits()
		hasPrec := false
		if i < len(fs) && fs[i] == '.' {
			hasPrec = true
			i++
			digits()
		}
		if i >= len(fs) {
			L.RaiseError("%s", "invalid option '%' to 'format'")
		}
		spec := "%" + fs[start:i]
		conv := fs[i]
		arg++
		if arg > top && conv != '%' {
			L.ArgError(arg, "no value")
		}
		var piece string
		switch conv {
		case 'c':
			piece = fmt.Sprintf(spec+"s", string([]byte{byte(int64(L.CheckNumber(arg)))}))
		case 'd', 'i':
			piece = fmt.Sprintf(spec+"d", int64(L.CheckNumber(arg)))
		case 'o', 'u', 'x', 'X':
			v := int64(L.CheckNumber(arg))
			verb := string(conv)
			if conv == 'u' {
				verb = "d"
			}
			if v < 0 {
				piece = fmt.Sprintf(spec+verb, uint64(v))
			} else {
				piece = fmt.Sprintf(spec+verb, v)
			}
		case 'e', 'E', 'f', 'g', 'G':
			f := float64(L.CheckNumber(arg))
			sp := spec
			if !hasPrec {
				sp += ".6"
			}
			switch {
			case math.IsInf(f, 1):
				piece = fmt.Sprintf(strings.TrimSuffix(sp, ".6")+"s", "inf")
			case math.IsInf(f, -1):
				piece = fmt.Sprintf(strings.TrimSuffix(sp, ".6")+"s", "-inf")
			case math.IsNaN(f):
				piece = fmt.Sprintf(strings.TrimSuffix(sp, ".6")+"s", "nan")
			default:
				piece = fmt.Sprintf(sp+string(conv), f)
			}
		case 'q':
			str := L.CheckString(arg)
			grow(2*len(str) + 2)
			out = appendQuoted(out, str)
			continue
		case 's':
			str := L.ToStringMeta(L.Get(arg)).String()
			if !hasPrec && len(str) >= 100 {
				grow(len(str))
				out = append(out, str...)
				continue
			}
			piece = fmt.Sprintf(spec+"s", str)
		default:
			L.RaiseError("invalid option '%%%c' to 'format'", conv)
		}
		grow(len(piece))
		out = append(out, piece...)
	}
	s.checkSize(L, "string.format", float64(len(out)))
	L.Push(lua.LString(out))
	return 1
}

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
