package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

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

func loadStateFile(path string) (*store, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("emulator: read state file: %w", err)
	}
	st := newStore()
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("emulator: state file %s is not valid JSON (%v); delete it to start from the seed", path, err)
	}
	if st.Collections == nil {
		st.Collections = map[string]*collection{}
	}
	if st.Idempotency == nil {
		st.Idempotency = map[string]*idemRecord{}
	}
	if st.Singletons == nil {
		st.Singletons = map[string]Object{}
	}
	for _, c := range st.Collections {
		if c.Objects == nil {
			c.Objects = map[string]Object{}
		}
	}
	return st, nil
}

func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".emulator-state-*")
	if err != nil {
		return fmt.Errorf("emulator: write state file: %w", err)
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("emulator: write state file: %w", err)
	}
	return nil
}

// str returns v as a string ("" for nil or non-strings).
func str(v any) string {
	s, _ := v.(string)
	return s
}

// clone deep-copies a JSON-shaped value.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, vv := range x {
			m[k] = clone(vv)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, vv := range x {
			a[i] = clone(vv)
		}
		return a
	case []string:
		a := make([]any, len(x))
		for i, vv := range x {
			a[i] = vv
		}
		return a
	case []Object:
		a := make([]any, len(x))
		for i, vv := range x {
			a[i] = clone(vv)
		}
		return a
	default:
		return v
	}
}

// public returns a deep copy of o without private ("_") keys.
func public(o Object) Object {
	m := make(Object, len(o))
	for k, v := range o {
		if !strings.HasPrefix(k, "_") {
			m[k] = clone(v)
		}
	}
	return m
}

// strs converts a JSON array (or []string) to []string.
func strs(v any) []string {
	switch x := v.(type) {
	case []string:
		return append([]string(nil), x...)
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
