package workos

import (
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"

	"github.com/kosmo-lua/kosmo-lua/bindings/internal/apitest"
)

// newTestClient is a client of the fixture server with fast retries.
func newTestClient(t testing.TB, baseURL string, mod func(*api.Options)) *api.Client {
	t.Helper()
	o := &api.Options{APIKey: apitest.TestKey, BaseURL: baseURL, RetryWaitMin: 1e6, RetryWaitMax: 2e6, MaxRetryAfter: 50e6}
	if mod != nil {
		mod(o)
	}
	c, err := api.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
