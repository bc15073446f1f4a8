package emulator

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Throughput of the emulator for a get and a list (limit 10), in process (the
// handler and the Transport) and over loopback. Run with:
//
//	go test -run '^$' -bench . -benchtime 2s ./bindings/emulator
func BenchmarkEmulator(b *testing.B) {
	e, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := e.Start(context.Background(), "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	paths := map[string]string{
		"get":  "/organizations/" + acmeID,
		"list": "/user_management/organization_memberships?organization_id=" + acmeID + "&limit=10",
	}
	for _, kind := range []string{"get", "list"} {
		path := paths[kind]
		b.Run(kind+"/handler", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("GET", path, nil)
					req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
					w := httptest.NewRecorder()
					e.ServeHTTP(w, req)
					if w.Code != 200 {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
		for name, client := range map[string]*http.Client{
			"transport": {Transport: e.Transport()},
			"loopback":  {Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		} {
			base := "http://emulator.local"
			if name == "loopback" {
				base = srv.URL
			}
			b.Run(kind+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req, _ := http.NewRequest("GET", base+path, nil)
						req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
						resp, err := client.Do(req)
						if err != nil {
							b.Fatal(err)
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							b.Fatalf("status %d", resp.StatusCode)
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}

// BenchmarkNew measures building an emulator: parsing the catalog's response
// schemas and applying the default seed. It also reports how many catalog
// operations are modelled statefully (the rest are synthesised from the spec).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	var e *Emulator
	for b.Loop() {
		var err error
		if e, err = New(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(e.handlers)), "stateful-ops")
	b.ReportMetric(float64(len(e.cat.Operations())), "catalog-ops")
}
