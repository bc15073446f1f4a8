package regex

import (
	"context"
	"io"
	"unicode/utf8"
)

// cheapWork is the subject length times pattern length under which a search
// runs on the string directly (fastest, not interruptible: at worst some tens
// of milliseconds); above it the search reads the subject through a reader
// that stops when the run's context is done.
const cheapWork = 1 << 22

// matcher finds successive matches of one compiled pattern in one subject,
// with PCRE's (PHP's) rules: non-overlapping; after a non-empty match an
// empty match at its end counts, after an empty match the search goes on one
// character later.
type matcher struct {
	c       *compiled
	subject string
	ctx     context.Context
	pos     int // where the next search starts; past the end when done
}

func newMatcher(ctx context.Context, c *compiled, subject string, offset int) *matcher {
	return &matcher{c: c, subject: subject, ctx: ctx, pos: offset}
}

// next returns the submatch index pairs of the next match (absolute offsets,
// -1 for groups that did not take part), or nil when there is none. A nil
// result with m.ctx done means the search was interrupted.
func (m *matcher) next() []int {
	if m.pos > len(m.subject) {
		return nil
	}
	loc := m.find(m.pos)
	if loc == nil {
		m.pos = len(m.subject) + 1
		return nil
	}
	switch {
	case loc[1] > loc[0]:
		m.pos = loc[1]
	case loc[1] < len(m.subject):
		_, w := utf8.DecodeRuneInString(m.subject[loc[1]:])
		m.pos = loc[1] + w
	default:
		m.pos = len(m.subject) + 1
	}
	return loc
}

// find returns the leftmost match starting at or after pos.
func (m *matcher) find(pos int) []int {
	if m.ctx != nil && m.ctx.Err() != nil {
		return nil
	}
	re, from := m.c.re, 0
	if pos > 0 {
		// Consume the rune before pos with cont's leading (?s:.), so ^, \b
		// and \A see what precedes pos.
		_, w := utf8.DecodeLastRuneInString(m.subject[:pos])
		re, from = m.c.cont, pos-w
	}
	rest := m.subject[from:]
	var loc []int
	if m.ctx == nil || len(rest)*m.c.cost <= cheapWork {
		loc = re.FindStringSubmatchIndex(rest)
	} else {
		loc = re.FindReaderSubmatchIndex(&ctxReader{s: rest, ctx: m.ctx})
		if m.ctx.Err() != nil {
			return nil
		}
	}
	if loc == nil {
		return nil
	}
	if pos > 0 {
		// cont's whole match includes the consumed rune: the pattern's
		// match starts at pos or later, where group 0 of the user's pattern
		// begins, which is one rune after cont's start.
		_, w := utf8.DecodeRuneInString(rest[loc[0]:])
		loc[0] += w
	}
	for i := range loc {
		if loc[i] >= 0 {
			loc[i] += from
		}
	}
	return loc
}

// ctxReader reads a string rune by rune and reports the end of input once
// the context is done, so a long search stops soon after the deadline.
type ctxReader struct {
	s   string
	i   int
	n   int
	ctx context.Context
}

// ReadRune implements io.RuneReader.
func (r *ctxReader) ReadRune() (rune, int, error) {
	r.n++
	if r.n&255 == 0 && r.ctx.Err() != nil {
		return 0, 0, io.EOF
	}
	if r.i >= len(r.s) {
		return 0, 0, io.EOF
	}
	c, w := utf8.DecodeRuneInString(r.s[r.i:])
	r.i += w
	return c, w, nil
}
