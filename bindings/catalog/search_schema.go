package catalog

// resultTerms are the words of an operation's first success response: its
// schema or list item name, the field names of the object (or of each list
// item) and of the objects nested in it, and their enum values, so "verified
// domains" finds the list whose items carry domains[].state = verified.
func resultTerms(op *Operation) []string {
	r, ok := op.SuccessResponse()
	if !ok {
		return nil
	}
	out := analyze(splitCamel(r.SchemaName + " " + r.ListItem))
	if len(r.Schema) == 0 {
		return out
	}
	w := &schemaWalker{b: r.Schema, out: out}
	if r.ListItem != "" && w.seek("properties", "data", "items") {
		w.walk(2, false)
	} else {
		w.i = 0
		w.walk(2, false)
	}
	return w.out
}

// schemaWalker reads the first levels of a JSON Schema in one pass without
// decoding it: response schemas are inlined in full (over a megabyte
// together) and search needs only property names and enum values near the
// top. Malformed input ends the walk; what was read so far is kept.
type schemaWalker struct {
	b   []byte
	i   int
	bad bool
	out []string
}

// walk reads the schema at the cursor: the names of its properties and,
// depth-1 levels further, theirs; the enum values of every property it
// names (and of the schema itself when enum is set). items and
// allOf/oneOf/anyOf parts count as the schema they belong to.
func (w *schemaWalker) walk(depth int, enum bool) {
	w.object(func(key string) {
		switch {
		case key == "enum" && enum:
			w.array(func() {
				if s, ok := w.str(); ok {
					w.out = append(w.out, analyze(s)...)
				} else {
					w.skip()
				}
			})
		case key == "properties" && depth > 0:
			w.object(func(name string) {
				w.out = append(w.out, analyze(name)...)
				w.walk(depth-1, true)
			})
		case key == "items":
			w.walk(depth, enum)
		case key == "allOf" || key == "oneOf" || key == "anyOf":
			w.array(func() { w.walk(depth, enum) })
		default:
			w.skip()
		}
	})
}

// seek moves the cursor to the value at path, a chain of object keys, and
// reports whether it found it.
func (w *schemaWalker) seek(path ...string) bool {
	for _, key := range path {
		found := false
		w.ws()
		if w.i >= len(w.b) || w.b[w.i] != '{' {
			return false
		}
		w.i++
		for !found && !w.bad {
			w.ws()
			if w.i < len(w.b) && w.b[w.i] == '}' {
				return false
			}
			k, ok := w.str()
			if !ok || !w.colon() {
				return false
			}
			if k == key {
				found = true
				break
			}
			w.skip()
			w.comma()
		}
		if !found {
			return false
		}
	}
	return !w.bad
}

// object calls fn for each key of the object at the cursor with the cursor
// on its value; fn must consume the value. A value that is not an object is
// skipped.
func (w *schemaWalker) object(fn func(key string)) {
	w.ws()
	if w.i >= len(w.b) || w.b[w.i] != '{' {
		w.skip()
		return
	}
	w.i++
	for !w.bad {
		w.ws()
		if w.i < len(w.b) && w.b[w.i] == '}' {
			w.i++
			return
		}
		key, ok := w.str()
		if !ok || !w.colon() {
			w.bad = true
			return
		}
		fn(key)
		w.comma()
	}
}

// array calls fn for each element of the array at the cursor; fn must
// consume the element. A value that is not an array is skipped.
func (w *schemaWalker) array(fn func()) {
	w.ws()
	if w.i >= len(w.b) || w.b[w.i] != '[' {
		w.skip()
		return
	}
	w.i++
	for !w.bad {
		w.ws()
		if w.i < len(w.b) && w.b[w.i] == ']' {
			w.i++
			return
		}
		start := w.i
		fn()
		if w.i == start {
			w.bad = true
			return
		}
		w.comma()
	}
}

// str reads a string without unescaping it (names and enum values in the
// specification are plain); ok is false when the cursor is not on a string.
func (w *schemaWalker) str() (string, bool) {
	w.ws()
	if w.i >= len(w.b) || w.b[w.i] != '"' {
		return "", false
	}
	start := w.i + 1
	for j := start; j < len(w.b); j++ {
		switch w.b[j] {
		case '\\':
			j++
		case '"':
			w.i = j + 1
			return string(w.b[start:j]), true
		}
	}
	w.bad = true
	return "", false
}

// skip moves the cursor past the value at it.
func (w *schemaWalker) skip() {
	w.ws()
	if w.i >= len(w.b) {
		w.bad = true
		return
	}
	switch w.b[w.i] {
	case '"':
		w.str()
	case '{', '[':
		depth := 0
		for ; w.i < len(w.b); w.i++ {
			switch w.b[w.i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					w.i++
					return
				}
			case '"':
				if _, ok := w.str(); !ok {
					return
				}
				w.i-- // the loop's increment steps past the closing quote again
			}
		}
		w.bad = true
	default:
		for w.i < len(w.b) && w.b[w.i] != ',' && w.b[w.i] != '}' && w.b[w.i] != ']' {
			w.i++
		}
	}
}

func (w *schemaWalker) ws() {
	for w.i < len(w.b) && (w.b[w.i] == ' ' || w.b[w.i] == '\n' || w.b[w.i] == '\t' || w.b[w.i] == '\r') {
		w.i++
	}
}

func (w *schemaWalker) colon() bool {
	w.ws()
	if w.i < len(w.b) && w.b[w.i] == ':' {
		w.i++
		return true
	}
	return false
}

func (w *schemaWalker) comma() {
	w.ws()
	if w.i < len(w.b) && w.b[w.i] == ',' {
		w.i++
	}
}
