package api

import (
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/internal/apitest"
)

// newTestClient is a client of the fixture server with fast retries.
func newTestClient(t testing.TB, baseURL string, mod func(*Options)) *Client {
	t.Helper()
	o := &Options{APIKey: apitest.TestKey, BaseURL: baseURL, RetryWaitMin: 1e6, RetryWaitMax: 2e6, MaxRetryAfter: 50e6}
	if mod != nil {
		mod(o)
	}
	c, err := NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
