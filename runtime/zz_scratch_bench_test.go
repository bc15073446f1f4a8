package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

func BenchmarkScratchBroker(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"organization","id":"org_1","name":"Acme"}`)
	}))
	defer srv.Close()
	const calls = 100
	iso := runtime.Isolation(os.Getenv("ISO"))
	src := fmt.Sprintf(`local n = 0 for i = 1, %d do n = n + #workos.organizations_find{id = "org_1"}.name end return n`, calls)
	rt, err := runtime.New(&runtime.Options{Isolation: iso, APIKey: "sk_test_bench", BaseURL: srv.URL, MaxCalls: calls})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	for b.Loop() {
		res, err := rt.Run(context.Background(), runtime.Script{Source: src})
		if err != nil || !res.OK {
			b.Fatal(err, res.Error)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*calls), "µs/call")
}
