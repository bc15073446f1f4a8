package sandbox

import (
	"fmt"
	"strings"
)

// Defaults used when a [SourceLimits] field is zero.
const (
	// DefaultMaxSourceBytes caps a script's size. Agent-written scripts
	// are far smaller; the cap bounds the time parsing and compiling take
	// even for the worst sources below the other limits.
	DefaultMaxSourceBytes = 1 << 20
	// DefaultMaxNesting caps nested brackets, blocks and runs of unary
	// operators together, the same number of syntax levels C Lua 5.1
	// allows (LUAI_MAXCCALLS).
	DefaultMaxNesting = 200
	// DefaultMaxChain caps the operators, field accesses, indexes and
	// calls in one expression (see [SourceLimits.MaxChain]). gopher-lua
	// nests its syntax tree one level per operator or suffix and compiles
	// it recursively, in time that grows with the square of the chain.
	DefaultMaxChain = 256
)

// Kinds of [SourceError].
const (
	KindSourceTooLarge   = "source_too_large"
	KindSourceTooComplex = "source_too_complex"
)

// SourceLimits bound what [CheckSource] accepts. The zero value gives the
// defaults documented on each field.
type SourceLimits struct {
	// MaxBytes is the largest script in bytes. 0 means
	// DefaultMaxSourceBytes (1 MiB).
	MaxBytes int
	// MaxNesting is the deepest nesting of brackets ( [ {, blocks
	// (function, do, if, repeat) and runs of unary operators (- not #),
	// counted together. 0 means DefaultMaxNesting (200).
	MaxNesting int
	// MaxChain is the longest chain in one expression: binary operators,
	// field accesses (.name :name), indexes ([k]) and calls (f() f"s"
	// f{}) in a row, plus the longest chain of each bracketed or block
	// part nested in it, and elseif branches of one if. Commas,
	// semicolons, = and statement keywords start a new chain. 0 means
	// DefaultMaxChain (256).
	MaxChain int
}

// SourceError reports a script that [CheckSource] rejects before parsing.
type SourceError struct {
	// Kind is KindSourceTooLarge or KindSourceTooComplex.
	Kind string
	// Line and Column (1-based, in bytes) locate where the limit was
	// passed: the first byte past MaxBytes, or the token that nested or
	// chained too deep.
	Line, Column int
	// Message names the cause, the limit and how to rewrite the script.
	Message string
}

// Error formats the error as "sandbox: <kind>: line L, column C: <message>".
func (e *SourceError) Error() string {
	return fmt.Sprintf("sandbox: %s: line %d, column %d: %s", e.Kind, e.Line, e.Column, e.Message)
}

// CheckSource rejects scripts that gopher-lua cannot parse and compile
// safely: larger than lim.MaxBytes, or nested or chained so deep that the
// parser and compiler would recurse deeply (a Go stack overflow kills the
// process; compiling a chain takes time that grows with the square of its
// length). Run it before loading a script. It reads src once, in linear time
// and without recursion, and understands Lua strings, long brackets and
// comments, so brackets and keywords inside them do not count. It never
// rejects a script for its syntax; gopher-lua's parser reports syntax
// errors.
func CheckSource(src string, lim SourceLimits) *SourceError {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxSourceBytes
	}
	if lim.MaxNesting <= 0 {
		lim.MaxNesting = DefaultMaxNesting
	}
	if lim.MaxChain <= 0 {
		lim.MaxChain = DefaultMaxChain
	}
	if len(src) > lim.MaxBytes {
		head := src[:lim.MaxBytes]
		line := 1 + strings.Count(head, "\n")
		col := lim.MaxBytes - strings.LastIndexByte(head, '\n')
		return &SourceError{
			Kind: KindSourceTooLarge, Line: line, Column: col,
			Message: fmt.Sprintf("the script is %d bytes; the limit is %d bytes; keep data out of the script (fetch it with API calls or build it in a loop) or split the work into several runs", len(src), lim.MaxBytes),
		}
	}
	s := sourceScanner{src: src, lim: lim, line: 1}
	s.levels = make([]level, 1, 16)
	s.scan()
	return s.err
}
