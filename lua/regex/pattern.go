package regex

import (
	"fmt"
	"regexp"
	"strings"
)

// PatternError is a pattern the module cannot run: malformed delimiters, an
// unknown modifier, a PCRE feature RE2 does not have, or an RE2 syntax error.
type PatternError struct {
	// Pattern is the pattern as the script gave it (cut to 80 bytes).
	Pattern string
	// Feature names the PCRE feature RE2 lacks ("back-reference",
	// "look-ahead", ...); empty for other problems.
	Feature string
	// Offset is the byte offset of the problem in the pattern, or -1.
	Offset int
	// Problem says what is wrong and how to fix it.
	Problem string
}

// Error names the pattern, the problem and the fix.
func (e *PatternError) Error() string {
	where := ""
	if e.Offset >= 0 {
		where = fmt.Sprintf(" at offset %d", e.Offset)
	}
	return fmt.Sprintf("regex: pattern %q%s: %s", e.Pattern, where, e.Problem)
}

// compiled is one translated pattern: re matches from the start of the
// subject; cont matches from a later position, with the character before it
// consumed by a leading (?s:.) so ^, \b and \A see the right context.
type compiled struct {
	re, cont *regexp.Regexp
	// names are the capture group names by group index ("" for unnamed).
	names []string
	// cost estimates the work per subject byte (the pattern's length).
	cost int
}

// closingBracket maps an opening bracket delimiter to its closing one.
var closingBracket = map[byte]byte{'(': ')', '[': ']', '{': '}', '<': '>'}

// split separates a PCRE-style delimited pattern ("/body/flags") into its
// body and modifiers, as PHP's preg_* functions do.
func split(pattern string) (body, mods string, err error) {
	p := strings.TrimLeft(pattern, " \t\n\r\v\f")
	if p == "" {
		return "", "", &PatternError{Pattern: cut(pattern), Offset: -1, Problem: "empty pattern; write it with delimiters, e.g. \"/acme-\\\\d+/i\""}
	}
	open := p[0]
	if isAlnum(open) || open == '\\' {
		return "", "", &PatternError{Pattern: cut(pattern), Offset: 0, Problem: "a pattern needs PCRE delimiters: the first character must not be a letter, digit or backslash; write \"/" + cut(p) + "/\" (flags after the closing delimiter, e.g. \"/x/i\")"}
	}
	closing := open
	if c, ok := closingBracket[open]; ok {
		closing = c
	}
	depth := 0
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
		case c == closing && depth == 0:
			return p[1:i], p[i+1:], nil
		case c == closing:
			depth--
		case c == open && closing != open:
			depth++
		}
	}
	return "", "", &PatternError{Pattern: cut(pattern), Offset: -1, Problem: fmt.Sprintf("no ending delimiter %q found; close the pattern (e.g. \"/x/\") and escape the delimiter inside it as \\%c", closing, closing)}
}

// modifiers are the PCRE modifiers the module understands, translated to RE2.
type modifiers struct {
	inline   string // RE2 inline flags: i m s U
	extended bool   // x: strip whitespace and # comments
	anchored bool   // A: match only at the start position
}

// parseModifiers reads the modifier letters after the closing delimiter plus
// the flags argument.
func parseModifiers(pattern, mods string) (modifiers, error) {
	var m modifiers
	seen := map[byte]bool{}
	for i := 0; i < len(mods); i++ {
		c := mods[i]
		switch c {
		case 'i', 'm', 's', 'U':
			if !seen[c] {
				m.inline += string(c)
			}
		case 'x':
			m.extended = true
		case 'A':
			m.anchored = true
		case 'u', 'D', 'S', 'X', 'J', ' ', '\n', '\r', '\t':
			// u: Go matches UTF-8 always. D: $ already matches only at the
			// very end. S, X, J: no effect on what matches here.
		case 'e':
			return m, &PatternError{Pattern: cut(pattern), Offset: -1, Problem: "the e modifier (evaluate the replacement) does not exist; pass a function to regex.gsub instead"}
		case 'n':
			return m, &PatternError{Pattern: cut(pattern), Feature: "no-auto-capture", Offset: -1, Problem: "the n modifier (no automatic captures) is not supported by RE2; use (?:...) for groups you do not want captured"}
		default:
			return m, &PatternError{Pattern: cut(pattern), Offset: -1, Problem: fmt.Sprintf("unknown modifier %q; supported: i m s x u U A D (S X J are accepted and ignored)", c)}
		}
		seen[c] = true
	}
	return m, nil
}

// compile translates a delimited PCRE pattern (plus the flags argument) to
// RE2 and compiles it.
func compile(pattern, flags string) (*compiled, error) {
	body, mods, err := split(pattern)
	if err != nil {
		return nil, err
	}
	m, err := parseModifiers(pattern, mods+flags)
	if err != nil {
		return nil, err
	}
	tr, err := translate(pattern, body, m.extended)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if m.inline != "" {
		prefix = "(?" + m.inline + ")"
	}
	if m.anchored {
		tr = `\A(?:` + tr + `)`
	}
	re, err := regexp.Compile(prefix + tr)
	if err != nil {
		return nil, &PatternError{Pattern: cut(pattern), Offset: -1, Problem: "invalid pattern: " + strings.TrimPrefix(err.Error(), "error parsing regexp: ")}
	}
	// With A, a later search must still start exactly at its position.
	contBody := `(?:` + tr + `)`
	if m.anchored {
		contBody = `(?:` + strings.TrimPrefix(tr, `\A`) + `)`
		contBody = `\A(?s:.)` + contBody
	} else {
		contBody = `(?s:.)` + contBody
	}
	cont, err := regexp.Compile(prefix + contBody)
	if err != nil {
		return nil, &PatternError{Pattern: cut(pattern), Offset: -1, Problem: "invalid pattern: " + err.Error()}
	}
	return &compiled{re: re, cont: cont, names: re.SubexpNames(), cost: len(tr) + 1}, nil
}

// translator rewrites one pattern body from PCRE to RE2.
type translator struct {
	pattern, body string
	extended      bool
	b             strings.Builder
}

// refuse reports a PCRE feature RE2 lacks, at offset at, with a fix.
func (t *translator) refuse(at int, feature, fix string) error {
	return &PatternError{Pattern: cut(t.pattern), Feature: feature, Offset: at,
		Problem: fmt.Sprintf("%s is a PCRE feature that RE2 (Go's linear-time regexp engine) does not support; %s", feature, fix)}
}

func (t *translator) malformed(at int, problem string) error {
	return &PatternError{Pattern: cut(t.pattern), Offset: at, Problem: problem}
}

// translate checks the pattern body for PCRE features RE2 lacks (naming the
// first one found), rewrites the PCRE spellings RE2 knows under another name
// ((?'name'...) becomes (?P<name>...)), and with x strips whitespace and #
// comments outside character classes.
func translate(pattern, body string, extended bool) (string, error) {
	t := &translator{pattern: pattern, body: body, extended: extended}
	t.b.Grow(len(body))
	inClass := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		var err error
		switch {
		case c == '\\':
			i, err = t.escape(i, inClass)
		case inClass:
			inClass = c != ']'
			t.b.WriteByte(c)
		case c == '[':
			inClass = true
			i = t.classStart(i)
		case extended && strings.IndexByte(" \t\n\r\v\f", c) >= 0:
			// skipped
		case extended && c == '#':
			for i < len(body) && body[i] != '\n' {
				i++
			}
		case c == '(' && i+1 < len(body) && (body[i+1] == '?' || body[i+1] == '*'):
			i, err = t.group(i)
		case c == '+' && i > 0 && isQuantifierEnd(body, i):
			err = t.refuse(i-1, "a possessive quantifier ("+body[i-1:i+1]+")", "drop the +; RE2 never backtracks, so a plain quantifier does the same")
		default:
			t.b.WriteByte(c)
		}
		if err != nil {
			return "", err
		}
	}
	return t.b.String(), nil
}

// classStart copies the [ at i; a ] right after [ or [^ is a literal.
func (t *translator) classStart(i int) int {
	body := t.body
	t.b.WriteByte('[')
	if i+1 < len(body) && body[i+1] == '^' {
		t.b.WriteByte('^')
		i++
	}
	if i+1 < len(body) && body[i+1] == ']' {
		t.b.WriteString(`\]`)
		i++
	}
	return i
}

// escape translates the escape sequence at i and returns the index of its
// last byte.
func (t *translator) escape(i int, inClass bool) (int, error) {
	body := t.body
	if i+1 >= len(body) {
		return i, t.malformed(i, "the pattern ends with a lone backslash; write \\\\ for a literal backslash")
	}
	n := body[i+1]
	switch {
	case n == 'Q':
		// \Q...\E is literal text: copy it unchanged.
		end := strings.Index(body[i+2:], `\E`)
		if end < 0 {
			t.b.WriteString(body[i:])
			return len(body), nil
		}
		t.b.WriteString(body[i : i+2+end+2])
		return i + 2 + end + 1, nil
	case !inClass && (n >= '1' && n <= '9' || n == 'g' || n == 'k'):
		return i, t.refuse(i, "a back-reference ("+body[i:min(i+3, len(body))]+")", "capture the group and compare it in Lua instead")
	case n == 'K':
		return i, t.refuse(i, `\K (reset match start)`, "capture the part you want with a group instead")
	case n == 'G':
		return i, t.refuse(i, `\G (continue at the last match)`, "anchor with ^ or match the whole list at once")
	case n == 'Z':
		return i, t.refuse(i, `\Z (end or before a final newline)`, `use \z (or $ without m) after trimming the newline`)
	case strings.IndexByte("RhHXV", n) >= 0 || n == 'N' && !(i+2 < len(body) && body[i+2] == '{'):
		return i, t.refuse(i, `\`+string(n)+" (escape sequence)", `spell it out: \R as (?:\r\n|\n|\r), \h as [ \t]; \X is not available`)
	case n == 'e':
		t.b.WriteString(`\x1b`)
	case n < 0x80 && !isAlnum(n) && !strings.ContainsRune(`\.+*?()|[]{}^$-`, rune(n)):
		// An escaped delimiter or other punctuation is the literal.
		t.b.WriteByte(n)
	default:
		t.b.WriteByte('\\')
		t.b.WriteByte(n)
	}
	return i + 1, nil
}

// group checks the group or verb opening at i, "(?" or "(*", and returns the
// index of the last byte it consumed.
func (t *translator) group(i int) (int, error) {
	body := t.body
	if body[i+1] == '*' {
		return i, t.refuse(i, "a backtracking control verb ("+cutVerb(body[i:])+")", "remove it; RE2 never backtracks")
	}
	rest := body[i+2:]
	has := func(p string) bool { return strings.HasPrefix(rest, p) }
	switch {
	case has("="), has("!"):
		return i, t.refuse(i, "a look-ahead ("+body[i:i+3]+")", "match more and check the rest in Lua, or use two patterns")
	case has("<="), has("<!"):
		return i, t.refuse(i, "a look-behind ("+body[i:i+4]+")", "capture the preceding text in a group instead")
	case has(">"):
		return i, t.refuse(i, "an atomic group ((?>...))", "use a plain group (?:...); RE2 never backtracks, so it is not needed")
	case has("("):
		return i, t.refuse(i, "a conditional group ((?(...)...))", "use alternation (a|b) or two patterns")
	case has("R)"), has("&"), has("P>"), len(rest) > 0 && (isDigit(rest[0]) || rest[0] == '+' || rest[0] == '-' && len(rest) > 1 && isDigit(rest[1])):
		return i, t.refuse(i, "recursion or a subroutine call ("+body[i:min(i+4, len(body))]+")", "match nested structures in Lua (json.decode for JSON)")
	case has("P="):
		return i, t.refuse(i, "a back-reference ((?P=name))", "capture the group and compare it in Lua instead")
	case has("|"):
		return i, t.refuse(i, "a branch-reset group ((?|...))", "use separate groups and pick the one that matched")
	case has("'"):
		end := strings.IndexByte(rest[1:], '\'')
		if end < 0 {
			return i, t.malformed(i, "unterminated group name (?'name'...)")
		}
		t.b.WriteString("(?P<" + rest[1:1+end] + ">")
		return i + 2 + 1 + end, nil
	case has("#"):
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return i, t.malformed(i, "unterminated comment (?#...)")
		}
		return i + 2 + end, nil
	}
	if f := inlineFlags(rest); strings.Contains(f, "x") {
		return i, t.refuse(i, "the inline x flag ((?x))", "put x after the closing delimiter instead (\"/.../x\")")
	}
	t.b.WriteByte('(')
	return i, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isQuantifierEnd reports whether body[i] (a '+') follows a quantifier, which
// makes it possessive: *+ ++ ?+ }+. An escaped character before it is literal.
func isQuantifierEnd(body string, i int) bool {
	p := body[i-1]
	if p != '*' && p != '+' && p != '?' && p != '}' {
		return false
	}
	// Count the backslashes before the quantifier: an odd number escapes it.
	n := 0
	for j := i - 2; j >= 0 && body[j] == '\\'; j-- {
		n++
	}
	if n%2 == 1 {
		return false
	}
	if p == '+' && i >= 2 && body[i-2] == '+' && isQuantifierEnd(body, i-1) {
		// "a+++" : the second + already made it possessive; the third is an error RE2 reports.
		return false
	}
	return true
}

// inlineFlags returns the flag letters of an inline group "(?flags)" or
// "(?flags:" given the text after "(?".
func inlineFlags(rest string) string {
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c == ')' || c == ':' {
			return rest[:i]
		}
		if !isAlnum(c) && c != '-' {
			return ""
		}
	}
	return ""
}

func cutVerb(s string) string {
	if i := strings.IndexByte(s, ')'); i >= 0 {
		return s[:i+1]
	}
	return cut(s)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// cut shortens s for error messages.
func cut(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
