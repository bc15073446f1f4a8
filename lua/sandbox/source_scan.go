package sandbox

import "fmt"

// level is one open bracket or block of the script being scanned, or the
// chunk itself (levels[0]).
type level struct {
	// open is the opening token: '(', '[', '{', or 'b' for a block
	// (function, do, if) and 'r' for repeat; 0 for the chunk.
	open byte
	// chain counts the chain of the current expression at this level;
	// longest is the longest chain at this level so far.
	chain, longest int
	// elseifs counts the elseif branches of an if block.
	elseifs int
}

// sourceScanner is a Lua 5.1 tokenizer that tracks nesting and chain
// lengths without building tokens. Its state is a stack of levels no
// deeper than MaxNesting, so it needs no recursion and little memory.
type sourceScanner struct {
	src       string
	pos       int
	line      int
	lineStart int // offset of the first byte of the current line
	lim       SourceLimits
	levels    []level
	// blocks counts the blocks in levels, to name what nests too deep.
	blocks int
	// unary counts the unary operators in a row just before pos.
	unary int
	// operand reports whether the last token ended an operand (a name,
	// literal, closing bracket, ... or end), so that - is binary, ( [ {
	// and strings are call or index suffixes, and a name starts a new
	// statement.
	operand bool
	// tokLine and tokCol locate the current token for errors.
	tokLine, tokCol int
	err             *SourceError
}

// scan reads the whole source, stopping at the first limit passed. It is
// one loop over the bytes, so that names and operators, most of a script's
// tokens, cost no call of their own.
func (s *sourceScanner) scan() {
	src := s.src
	for s.pos < len(src) && s.err == nil {
		c := src[s.pos]
		switch c {
		case '\n', '\r':
			s.newline()
			continue
		case ' ', '\t', '\f', '\v':
			s.pos++
			continue
		}
		s.tokLine, s.tokCol = s.line, s.pos-s.lineStart+1
		switch {
		case isNameStart(c):
			start := s.pos
			for s.pos < len(src) && isNameByte(src[s.pos]) {
				s.pos++
			}
			s.word(src[start:s.pos])
		case isDigit(c) || (c == '.' && isDigit(s.peek())):
			s.number()
			s.operandToken()
		case c == '"' || c == '\'':
			s.shortString(c)
			s.stringToken()
		case c == '-' && s.peek() == '-':
			s.comment()
		case c == '[':
			if eqs, ok := s.longBracket(); ok {
				s.longString(eqs)
				s.stringToken()
				continue
			}
			s.pos++
			s.open('[')
		case c == '(' || c == '{':
			s.pos++
			s.open(c)
		case c == ')' || c == ']' || c == '}':
			s.pos++
			s.close()
			s.operand = true
		default:
			s.punct(c)
		}
	}
}

// peek returns the byte after pos, or 0 at the end.
func (s *sourceScanner) peek() byte {
	if s.pos+1 < len(s.src) {
		return s.src[s.pos+1]
	}
	return 0
}

// comment consumes a comment, -- to the end of the line or --[[ to its
// closing bracket.
func (s *sourceScanner) comment() {
	s.pos += 2
	if eqs, ok := s.longBracket(); ok {
		s.longString(eqs)
		return
	}
	for s.pos < len(s.src) && s.src[s.pos] != '\n' && s.src[s.pos] != '\r' {
		s.pos++
	}
}

// newline consumes one line break (\n, \r, \r\n or \n\r, as gopher-lua
// counts them).
func (s *sourceScanner) newline() {
	c := s.src[s.pos]
	s.pos++
	if s.pos < len(s.src) && (s.src[s.pos] == '\n' || s.src[s.pos] == '\r') && s.src[s.pos] != c {
		s.pos++
	}
	s.line++
	s.lineStart = s.pos
}

// word handles a name or keyword.
func (s *sourceScanner) word(w string) {
	switch w {
	case "and", "or":
		s.binary()
	case "not":
		s.unaryOp()
	case "true", "false", "nil":
		s.operandToken()
	case "function", "do", "if":
		s.reset()
		s.openBlock('b')
	case "repeat":
		s.reset()
		s.openBlock('r')
	case "end", "until":
		s.closeBlock()
		// until is followed by its condition; end may end a function
		// expression, so a following - is binary.
		s.operand = w == "end"
	case "elseif":
		s.reset()
		if top := &s.levels[len(s.levels)-1]; top.open == 'b' {
			top.elseifs++
			if top.elseifs > s.lim.MaxChain {
				s.fail(fmt.Sprintf("an if statement with more than %d elseif branches; use a lookup table of handlers or separate if statements", s.lim.MaxChain))
			}
		}
	case "local", "return", "then", "else", "while", "for", "in", "break", "goto":
		s.reset()
	default:
		if s.operand {
			// Two operands in a row: a new statement begins.
			s.reset()
		}
		s.operandToken()
	}
}

// number consumes a numeral the way Lua 5.1 reads one.
func (s *sourceScanner) number() {
	src := s.src
	for s.pos < len(src) && (isDigit(src[s.pos]) || src[s.pos] == '.') {
		s.pos++
	}
	if s.pos < len(src) && (src[s.pos] == 'e' || src[s.pos] == 'E') {
		s.pos++
		if s.pos < len(src) && (src[s.pos] == '+' || src[s.pos] == '-') {
			s.pos++
		}
	}
	for s.pos < len(src) && isNameByte(src[s.pos]) {
		s.pos++
	}
}

// shortString consumes a quoted string. A line break ends it (gopher-lua
// reports the unterminated string).
func (s *sourceScanner) shortString(q byte) {
	src := s.src
	s.pos++
	for s.pos < len(src) {
		switch c := src[s.pos]; c {
		case q:
			s.pos++
			return
		case '\\':
			s.pos++
			if s.pos < len(src) {
				if src[s.pos] == '\n' || src[s.pos] == '\r' {
					s.newline()
				} else {
					s.pos++
				}
			}
		case '\n', '\r':
			return
		default:
			s.pos++
		}
	}
}

// longBracket reports whether a long bracket [[ or [==[ starts at pos and
// consumes it, returning its level (the number of =).
func (s *sourceScanner) longBracket() (int, bool) {
	src := s.src
	if s.pos >= len(src) || src[s.pos] != '[' {
		return 0, false
	}
	i := s.pos + 1
	for i < len(src) && src[i] == '=' {
		i++
	}
	if i >= len(src) || src[i] != '[' {
		return 0, false
	}
	eqs := i - s.pos - 1
	s.pos = i + 1
	return eqs, true
}

// longString consumes the rest of a long string or comment of level eqs.
func (s *sourceScanner) longString(eqs int) {
	src := s.src
	for s.pos < len(src) {
		switch src[s.pos] {
		case '\n', '\r':
			s.newline()
		case ']':
			i := s.pos + 1
			for i < len(src) && src[i] == '=' {
				i++
			}
			if i < len(src) && src[i] == ']' && i-s.pos-1 == eqs {
				s.pos = i + 1
				return
			}
			// Not the closing bracket; rescan from the = run, which may
			// be followed by another ].
			s.pos = i
		default:
			s.pos++
		}
	}
}

// punct handles operators and separators.
func (s *sourceScanner) punct(c byte) {
	src := s.src
	next := s.peek()
	s.pos++
	switch c {
	case '-':
		if s.operand {
			s.binary()
		} else {
			s.unaryOp()
		}
	case '#':
		s.unaryOp()
	case '+', '*', '/', '%', '^':
		s.binary()
	case '<', '>', '~':
		if next == '=' {
			s.pos++
		}
		s.binary()
	case '=':
		if next == '=' {
			s.pos++
			s.binary()
			return
		}
		s.reset()
	case '.':
		if next == '.' {
			s.pos++
			if s.pos < len(src) && src[s.pos] == '.' {
				s.pos++
				s.operandToken() // ...
				return
			}
			s.binary()
			return
		}
		s.suffix() // .name
	case ':':
		if next == ':' {
			s.pos++
			s.reset() // ::label::
			return
		}
		s.suffix() // :name
	case ',', ';':
		s.reset()
	default:
		// An invalid byte: gopher-lua rejects it.
		s.operand = false
	}
}

// operandToken records a name or literal.
func (s *sourceScanner) operandToken() {
	s.unary = 0
	s.operand = true
}

// stringToken records a string literal: after an operand it is a call
// (f"x").
func (s *sourceScanner) stringToken() {
	if s.operand {
		s.link()
	}
	s.operandToken()
}

// binary records a binary operator.
func (s *sourceScanner) binary() {
	s.operand = false
	s.link()
}

// suffix records . or : (the field name that follows continues the
// operand).
func (s *sourceScanner) suffix() {
	s.link()
	s.operand = false
}

// unaryOp records a unary operator.
func (s *sourceScanner) unaryOp() {
	s.operand = false
	s.unary++
	if len(s.levels)-1+s.unary > s.lim.MaxNesting {
		s.fail(fmt.Sprintf("more than %d unary operators (- not #) in a row or inside nested brackets and blocks; remove repeated operators or split the expression into locals", s.lim.MaxNesting))
	}
	s.link()
}

// link adds one operator or suffix to the chain of the current level.
func (s *sourceScanner) link() {
	top := &s.levels[len(s.levels)-1]
	top.chain++
	if top.chain > s.lim.MaxChain {
		s.fail(fmt.Sprintf("an expression with more than %d operators, field accesses, indexes or calls (counting nested parts); split the expression into locals (local a = t.x.y; local b = a .. s), or build long strings and tables in a loop (table.concat)", s.lim.MaxChain))
	}
}

// reset starts a new expression at the current level.
func (s *sourceScanner) reset() {
	top := &s.levels[len(s.levels)-1]
	top.longest = max(top.longest, top.chain)
	top.chain = 0
	s.unary = 0
	s.operand = false
}

// open pushes a bracket. After an operand, ( and { are calls and [ is an
// index, which extend the chain.
func (s *sourceScanner) open(c byte) {
	if s.operand {
		s.link()
	}
	s.push(c)
}

// openBlock pushes a block.
func (s *sourceScanner) openBlock(c byte) {
	s.push(c)
	s.blocks++
}

func (s *sourceScanner) push(c byte) {
	if s.err != nil {
		return
	}
	if len(s.levels)+s.unary > s.lim.MaxNesting {
		// Name what most of the nesting is made of.
		what := "brackets ( [ {, blocks and unary operators, mostly brackets; build deeply nested tables in a loop, or split the expression into locals"
		if 2*s.blocks >= len(s.levels) {
			what = "brackets, blocks (function, do, if, while, for, repeat) and unary operators, mostly blocks; move inner blocks into separate local functions"
		}
		s.fail(fmt.Sprintf("more than %d nested %s", s.lim.MaxNesting, what))
		return
	}
	s.levels = append(s.levels, level{open: c})
	s.unary = 0
	s.operand = false
}

// close pops a bracket, or does nothing if the innermost level is not
// one (a syntax error the parser reports).
func (s *sourceScanner) close() {
	if top := s.levels[len(s.levels)-1].open; top == '(' || top == '[' || top == '{' {
		s.pop()
	}
}

// closeBlock pops a block (end, until), closing any brackets left open
// inside it (a syntax error the parser reports).
func (s *sourceScanner) closeBlock() {
	for len(s.levels) > 1 {
		top := s.levels[len(s.levels)-1].open
		s.pop()
		if top == 'b' || top == 'r' {
			s.blocks--
			break
		}
	}
	s.reset()
}

// pop closes the innermost level. The compiler recurses through the
// closed part as one operand of the enclosing expression, so its longest
// chain is added to the enclosing chain.
func (s *sourceScanner) pop() {
	inner := s.levels[len(s.levels)-1]
	s.levels = s.levels[:len(s.levels)-1]
	top := &s.levels[len(s.levels)-1]
	add := max(inner.longest, inner.chain)
	if add > 0 {
		top.chain += add - 1
		s.link()
	}
	s.unary = 0
}

// fail records a too-complex error at the current token.
func (s *sourceScanner) fail(msg string) {
	if s.err == nil {
		s.err = &SourceError{Kind: KindSourceTooComplex, Line: s.tokLine, Column: s.tokCol, Message: msg}
	}
}
