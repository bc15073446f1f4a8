// Package syntax holds Lua's lexical rules that code rendering Lua text needs
// (a name can be written as t.key and {key = v}; anything else needs
// t["key"] and {["key"] = v}). It depends on nothing, so packages that must
// stay free of the Lua VM can use it.
package syntax

// keywords are Lua 5.1's reserved words (gopher-lua adds goto).
var keywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "goto": true, "if": true, "in": true,
	"local": true, "nil": true, "not": true, "or": true, "repeat": true, "return": true,
	"then": true, "true": true, "until": true, "while": true,
}

// IsName reports whether s is a Lua name: letters, digits and underscores,
// not starting with a digit, and not a reserved word.
func IsName(s string) bool {
	if s == "" || keywords[s] {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !IsNameChar(s[i]) {
			return false
		}
	}
	return true
}

// IsNameChar reports whether c may appear in a Lua name (after the first
// character, which must not be a digit).
func IsNameChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
