package api

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/time/rate"
)

// RateLimit configures [NewRateLimitedTransport]: a client-side limit on
// requests per second for each account (each API key), so a burst from many
// scripts queues instead of stampeding into WorkOS's own limit.
type RateLimit struct {
	// PerSecond is the sustained rate of requests per account. Zero or
	// negative means no limit.
	PerSecond float64
	// Burst is how many requests may go at once after a quiet spell. If zero,
	// the rate rounded up (at least 1).
	Burst int
}

// String describes the limit for logs and help ("10/s, burst 10").
func (l RateLimit) String() string {
	if l.PerSecond <= 0 {
		return "none"
	}
	return fmt.Sprintf("%g/s per account, burst %d", l.PerSecond, l.burst())
}

func (l RateLimit) burst() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return max(1, int(l.PerSecond+0.999))
}

// RateLimiter holds one budget per account; its transports share them.
type RateLimiter struct {
	limit RateLimit
	mu    sync.Mutex
	byKey map[[sha256.Size]byte]*rate.Limiter
}

// NewRateLimiter returns a limiter for limit, or nil when limit has no rate
// (a nil *RateLimiter's Transport returns its base unchanged).
func NewRateLimiter(limit RateLimit) *RateLimiter {
	if limit.PerSecond <= 0 {
		return nil
	}
	return &RateLimiter{limit: limit, byKey: map[[sha256.Size]byte]*rate.Limiter{}}
}

// Transport returns base behind the limiter. If base is nil, a pooled
// transport like the one [New] makes. Requests are grouped by their
// Authorization header, so each account has its own budget; the header is
// kept only as a SHA-256 digest. Every attempt counts, retries included. A
// request waits in line for its turn; if its context ends first it fails with
// the context's error, and its turn goes to the next.
func (l *RateLimiter) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		tr := cleanhttp.DefaultPooledTransport()
		tr.MaxIdleConnsPerHost = 64
		base = tr
	}
	if l == nil {
		return base
	}
	return &rateLimited{base: base, l: l}
}

// NewRateLimitedTransport is NewRateLimiter(limit).Transport(base): one
// transport with its own budgets.
func NewRateLimitedTransport(base http.RoundTripper, limit RateLimit) http.RoundTripper {
	return NewRateLimiter(limit).Transport(base)
}

type rateLimited struct {
	base http.RoundTripper
	l    *RateLimiter
}

// limiter returns the account's limiter, made on its first request.
func (l *RateLimiter) limiter(authorization string) *rate.Limiter {
	k := sha256.Sum256([]byte(authorization))
	l.mu.Lock()
	defer l.mu.Unlock()
	rl, ok := l.byKey[k]
	if !ok {
		rl = rate.NewLimiter(rate.Limit(l.limit.PerSecond), l.limit.burst())
		l.byKey[k] = rl
	}
	return rl
}

func (t *rateLimited) RoundTrip(req *http.Request) (*http.Response, error) {
	r := t.l.limiter(req.Header.Get("Authorization")).Reserve()
	if d := r.Delay(); d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-req.Context().Done():
			timer.Stop()
			r.Cancel()
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, req.Context().Err()
		}
	}
	return t.base.RoundTrip(req)
}
