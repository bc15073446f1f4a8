package sandbox

// Byte classes shared by the source scanner and the pattern matcher. All
// are ASCII-only, as in C Lua's "C" locale.

// isAlpha reports an ASCII letter.
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isDigit reports a decimal digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isNameStart reports a byte that may start a Lua name: a letter, _, or
// any byte from 0x80 (gopher-lua's lexer accepts those in names).
func isNameStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

// isNameByte reports a byte that may continue a Lua name.
func isNameByte(c byte) bool { return isNameStart(c) || isDigit(c) }
