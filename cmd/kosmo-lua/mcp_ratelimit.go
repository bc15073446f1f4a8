package main

import (
	"net/http"

	"github.com/spf13/pflag"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// addRateLimitFlags registers --rate-limit and --rate-burst (mcp only: a
// server is where bursts from many agents meet).
func (rf *RuntimeFlags) addRateLimitFlags(fs *pflag.FlagSet) {
	fs.Float64Var(&rf.RateLimit.PerSecond, "rate-limit", 0, "Client-side limit on WorkOS requests per second per account (`N`, retries included); a burst queues instead of hitting WorkOS's 429. With replicas, give each its share. 0: none")
	fs.IntVar(&rf.RateLimit.Burst, "rate-burst", 0, "Requests per account that may go at once under --rate-limit (default: the rate, rounded up)")
}

// limitRate puts every account's requests behind one limiter: each account
// (API key) gets its own budget, shared by all the runs of this process.
func limitRate(opts *runtime.Options, limit api.RateLimit) {
	l := api.NewRateLimiter(limit)
	if l == nil {
		return
	}
	wrap := func(hc *http.Client) *http.Client {
		var c http.Client
		if hc != nil {
			c = *hc
		}
		c.Transport = l.Transport(c.Transport)
		return &c
	}
	opts.HTTPClient = wrap(opts.HTTPClient)
	for name, a := range opts.Accounts {
		a.HTTPClient = wrap(a.HTTPClient)
		opts.Accounts[name] = a
	}
}
