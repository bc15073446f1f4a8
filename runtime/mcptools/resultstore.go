package mcptools

import (
	"container/list"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"
)

// ResultURIPrefix starts the URI of a stored result: kosmo://results/<id>.
const ResultURIPrefix = "kosmo://results/"

// resultStore keeps full results too big for a tool result, for a limited
// time and within a byte bound; the oldest go first when a new one needs
// room. It lives in one server process: with replicas, a result is readable
// only from the replica that ran the script.
type resultStore struct {
	ttl      time.Duration
	maxBytes int
	now      func() time.Time

	mu    sync.Mutex
	bytes int
	order *list.List // of *storedResult, oldest first
	byID  map[string]*list.Element
}

// storedResult is one full result.
type storedResult struct {
	id      string
	data    []byte
	expires time.Time
}

func newResultStore(ttl time.Duration, maxBytes int) *resultStore {
	return &resultStore{ttl: ttl, maxBytes: maxBytes, now: time.Now, order: list.New(), byID: map[string]*list.Element{}}
}

// put stores data and returns its URI and expiry, or ok false when data
// alone is larger than the whole store.
func (s *resultStore) put(data []byte) (uri string, expires time.Time, ok bool) {
	if len(data) > s.maxBytes {
		return "", time.Time{}, false
	}
	var b [16]byte
	rand.Read(b[:])
	r := &storedResult{id: hex.EncodeToString(b[:]), data: data}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	r.expires = now.Add(s.ttl)
	s.expireLocked(now)
	for s.bytes+len(data) > s.maxBytes {
		s.removeLocked(s.order.Front())
	}
	s.byID[r.id] = s.order.PushBack(r)
	s.bytes += len(data)
	return ResultURIPrefix + r.id, r.expires, true
}

// get returns the result at uri while it is kept.
func (s *resultStore) get(uri string) (data []byte, expires time.Time, ok bool) {
	id, found := strings.CutPrefix(uri, ResultURIPrefix)
	if !found {
		return nil, time.Time{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(s.now())
	e, found := s.byID[id]
	if !found {
		return nil, time.Time{}, false
	}
	r := e.Value.(*storedResult)
	return r.data, r.expires, true
}

// size returns the bytes held and the number of results.
func (s *resultStore) size() (bytes, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes, s.order.Len()
}

// expireLocked drops the results whose time is up (they are in expiry
// order, since every result gets the same TTL).
func (s *resultStore) expireLocked(now time.Time) {
	for e := s.order.Front(); e != nil && !now.Before(e.Value.(*storedResult).expires); e = s.order.Front() {
		s.removeLocked(e)
	}
}

func (s *resultStore) removeLocked(e *list.Element) {
	r := s.order.Remove(e).(*storedResult)
	delete(s.byID, r.id)
	s.bytes -= len(r.data)
}
