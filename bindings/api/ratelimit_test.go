package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRateLimitedTransportQueuesBursts: a burst of requests on one account
// is spread over time at the configured rate (all of them answered), another
// account has its own budget, and a request whose context ends in the queue
// fails with the context's error.
func TestRateLimitedTransportQueuesBursts(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
	}))
	defer srv.Close()
	rt := NewRateLimitedTransport(srv.Client().Transport, RateLimit{PerSecond: 4, Burst: 2})
	get := func(ctx context.Context, key string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := rt.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	// 2 go at once (the burst), the next 4 follow at 4/s: about 1 s in all.
	start := time.Now()
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if err := get(context.Background(), "sk_one"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took < 700*time.Millisecond {
		t.Errorf("6 requests at 4/s with burst 2 took %v; want them spread over about 1 s", took)
	}
	if served.Load() != 6 {
		t.Errorf("served %d requests, want 6", served.Load())
	}
	// Another account is not held up by the first one's queue.
	for range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := get(ctx, "sk_two"); err != nil {
			t.Errorf("another account's burst: %v", err)
		}
		cancel()
	}
	// The first account's budget is spent: a request that cannot wait fails.
	for range 2 {
		_ = get(context.Background(), "sk_one")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := get(ctx, "sk_one"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a request whose deadline passes in the queue: %v, want context.DeadlineExceeded", err)
	}
}

func TestRateLimitNoneIsBase(t *testing.T) {
	base := &http.Transport{}
	if got := NewRateLimitedTransport(base, RateLimit{}); got != base {
		t.Errorf("no limit wraps the transport: %T", got)
	}
	if s := (RateLimit{PerSecond: 2.5}).String(); s != "2.5/s per account, burst 3" {
		t.Errorf("String() = %q", s)
	}
}
