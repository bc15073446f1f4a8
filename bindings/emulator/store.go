package emulator

import "time"

// Object is a stored WorkOS object in its JSON shape. Keys starting with "_" are
// private to the emulator (password hashes, codes, links) and never sent.
type Object = map[string]any

// store is the whole emulated environment. Every access holds Emulator.mu.
type store struct {
	Collections map[string]*collection `json:"collections"`
	Seq         uint64                 `json:"seq"`
	// Idempotency maps "key|METHOD path" to the first response.
	Idempotency map[string]*idemRecord `json:"idempotency,omitempty"`
	// Singletons hold environment-wide objects (the JWT template).
	Singletons map[string]Object `json:"singletons,omitempty"`
	dirty      bool
}

type collection struct {
	Order   []string          `json:"order"`
	Objects map[string]Object `json:"objects"`
}

type idemRecord struct {
	BodyHash    string `json:"body_hash"`
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	Body        []byte `json:"body,omitempty"`
}

func newStore() *store {
	return &store{Collections: map[string]*collection{}, Idempotency: map[string]*idemRecord{}, Singletons: map[string]Object{}}
}

func (s *store) col(kind string) *collection {
	c := s.Collections[kind]
	if c == nil {
		c = &collection{Objects: map[string]Object{}}
		s.Collections[kind] = c
	}
	return c
}

// put inserts or replaces obj (keyed by obj["id"]).
func (s *store) put(kind string, obj Object) {
	c := s.col(kind)
	id := str(obj["id"])
	if _, ok := c.Objects[id]; !ok {
		c.Order = append(c.Order, id)
	}
	c.Objects[id] = obj
	s.dirty = true
}

func (s *store) get(kind, id string) Object {
	if c := s.Collections[kind]; c != nil {
		return c.Objects[id]
	}
	return nil
}

func (s *store) del(kind, id string) bool {
	c := s.Collections[kind]
	if c == nil || c.Objects[id] == nil {
		return false
	}
	delete(c.Objects, id)
	for i, x := range c.Order {
		if x == id {
			c.Order = append(c.Order[:i:i], c.Order[i+1:]...)
			break
		}
	}
	s.dirty = true
	return true
}

// all returns the objects of kind in creation order.
func (s *store) all(kind string) []Object {
	c := s.Collections[kind]
	if c == nil {
		return nil
	}
	out := make([]Object, 0, len(c.Order))
	for _, id := range c.Order {
		out = append(out, c.Objects[id])
	}
	return out
}

// filter returns the objects of kind matching pred, in creation order.
func (s *store) filter(kind string, pred func(Object) bool) []Object {
	var out []Object
	for _, o := range s.all(kind) {
		if pred == nil || pred(o) {
			out = append(out, o)
		}
	}
	return out
}

// find returns the first object of kind matching pred.
func (s *store) find(kind string, pred func(Object) bool) Object {
	c := s.Collections[kind]
	if c == nil {
		return nil
	}
	for _, id := range c.Order {
		if o := c.Objects[id]; pred(o) {
			return o
		}
	}
	return nil
}

// where builds a predicate matching every key/value pair (string comparison).
func where(kv ...string) func(Object) bool {
	return func(o Object) bool {
		for i := 0; i+1 < len(kv); i += 2 {
			if str(o[kv[i]]) != kv[i+1] {
				return false
			}
		}
		return true
	}
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newID returns prefix + a 26-character ULID-like id: 48 bits of milliseconds and
// an 80-bit part derived from a counter, so ids sort by creation.
func (s *store) newID(prefix string, now time.Time) string {
	s.Seq++
	var b [26]byte
	ms := uint64(now.UnixMilli())
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	// 16 chars: a scrambled high part that still increases with Seq.
	seq := s.Seq
	mix := (seq * 0x9E3779B97F4A7C15) >> 44 // 20 bits of noise for realism
	lo := seq<<20 | mix
	for i := 25; i >= 10; i-- {
		b[i] = crockford[lo&31]
		lo >>= 5
	}
	return prefix + string(b[:])
}
