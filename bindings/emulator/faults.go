package emulator

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Faults injects failures, for testing clients' retries and error handling. Every
// rate is a probability in [0, 1] drawn per request from a generator seeded by
// Seed, so a run is reproducible. The /_emulate control endpoints are never faulted.
type Faults struct {
	// Latency delays every response (0: none).
	Latency time.Duration
	// FailureRate answers this fraction of requests with FailureStatus.
	FailureRate float64
	// FailureStatus is the injected failure's status (0: 503).
	FailureStatus int
	// ResetRate drops the connection without a response.
	ResetRate float64
	// TruncateRate sends only the first half of the body, then drops the connection.
	TruncateRate float64
	// MalformedRate sends a body that is not valid JSON.
	MalformedRate float64
	// RateLimit is the number of requests allowed per API key per RateLimitWindow;
	// further requests get 429 {"code":"rate_limit_exceeded"} with Retry-After (0: no limit).
	RateLimit int
	// RateLimitWindow is the rate-limit window (0: 60s, WorkOS's general window).
	RateLimitWindow time.Duration
	// Seed seeds the fault generator (0: 1).
	Seed uint64
}

type faultState struct {
	f  Faults
	mu sync.Mutex
	rn *rand.Rand
	// rate limiting
	windowStart map[string]time.Time
	count       map[string]int
	hooks       []*Hook
	hookSeq     int
}

func newFaultState(f Faults) *faultState {
	seed := f.Seed
	if seed == 0 {
		seed = 1
	}
	if f.FailureStatus == 0 {
		f.FailureStatus = http.StatusServiceUnavailable
	}
	if f.RateLimitWindow == 0 {
		f.RateLimitWindow = time.Minute
	}
	return &faultState{f: f, rn: rand.New(rand.NewPCG(seed, seed^0x5eed)), windowStart: map[string]time.Time{}, count: map[string]int{}}
}

type faultKind int

const (
	faultNone faultKind = iota
	faultFail
	faultReset
	faultTruncate
	faultMalformed
	faultResetAfter
)

// draw decides the random fault for one request.
func (fs *faultState) draw() faultKind {
	f := fs.f
	if f.FailureRate == 0 && f.ResetRate == 0 && f.TruncateRate == 0 && f.MalformedRate == 0 {
		return faultNone
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	x := fs.rn.Float64()
	for _, c := range []struct {
		p float64
		k faultKind
	}{{f.FailureRate, faultFail}, {f.ResetRate, faultReset}, {f.TruncateRate, faultTruncate}, {f.MalformedRate, faultMalformed}} {
		if x < c.p {
			return c.k
		}
		x -= c.p
	}
	return faultNone
}

// rateLimited counts a request for key and returns the Retry-After seconds when over the limit.
func (fs *faultState) rateLimited(key string, now time.Time) (int, bool) {
	if fs.f.RateLimit <= 0 {
		return 0, false
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	start, ok := fs.windowStart[key]
	if !ok || now.Sub(start) >= fs.f.RateLimitWindow {
		fs.windowStart[key], fs.count[key] = now, 0
		start = now
	}
	fs.count[key]++
	if fs.count[key] <= fs.f.RateLimit {
		return 0, false
	}
	wait := int((fs.f.RateLimitWindow - now.Sub(start) + time.Second - 1) / time.Second)
	return max(wait, 1), true
}
