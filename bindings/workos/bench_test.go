package workos

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/internal/apitest"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

const benchOrg = `{"object":"organization","id":"org_01EHZNVPK3SFK441A1RGBFSHRT","name":"Foo Corporation",` +
	`"allow_profiles_outside_organization":false,"domains":[{"object":"organization_domain","id":"org_domain_01EHZNVPK2QXHMVWCEDQEKY69A",` +
	`"domain":"foo-corp.com","state":"verified","verification_strategy":"dns","verification_token":"m5Oztg3jdK4NJLgs8uIlIprMw"}],` +
	`"metadata":{"tier":"gold"},"external_id":"ext_123","created_at":"2021-06-25T19:07:33.155Z","updated_at":"2021-06-25T19:07:33.155Z"}`

func benchServer(b *testing.B, latency time.Duration) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if latency > 0 {
			time.Sleep(latency)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_bench")
		io.WriteString(w, benchOrg)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// luaCaller returns a function making one workos.organizations_find call from Lua.
func luaCaller(b *testing.B, url string) func() {
	c, err := api.NewClient(&api.Options{APIKey: apitest.TestKey, BaseURL: url})
	if err != nil {
		b.Fatal(err)
	}
	L := lua.NewState()
	b.Cleanup(L.Close)
	luajson.Preload(L)
	(&Module{Catalog: catalog.Default(), Client: c}).Preload(L)
	if err := L.DoString(`return function() return workos.organizations_find({id = "org_01EHZNVPK3SFK441A1RGBFSHRT"}) end`); err != nil {
		b.Fatal(err)
	}
	fn := L.Get(-1).(*lua.LFunction)
	L.Pop(1)
	call := func() {
		L.Push(fn)
		if err := L.PCall(0, 1, nil); err != nil {
			b.Fatal(err)
		}
		if t, ok := L.Get(-1).(*lua.LTable); !ok || t.RawGetString("id") == lua.LNil {
			b.Fatalf("unexpected result %v", L.Get(-1))
		}
		L.Pop(1)
	}
	call() // warm the connection and the function cache
	return call
}

// plainCaller returns a function making the same request with plain net/http
// and encoding/json.
func plainCaller(b *testing.B, url string) func() {
	hc := &http.Client{Timeout: 60 * time.Second}
	call := func() {
		req, err := http.NewRequest("GET", url+"/organizations/org_01EHZNVPK3SFK441A1RGBFSHRT", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+apitest.TestKey)
		req.Header.Set("User-Agent", api.DefaultUserAgent)
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || v["id"] == nil {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	call()
	return call
}

// BenchmarkLuaCall is one workos.organizations_find GET from Lua (full catalog,
// loopback server): argument conversion, validation, request, retry wrapper,
// response decoded into Lua tables.
func BenchmarkLuaCall(b *testing.B) {
	call := luaCaller(b, benchServer(b, 0).URL)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call()
	}
}

// BenchmarkPlainHTTP is the same request with plain net/http and encoding/json.
func BenchmarkPlainHTTP(b *testing.B) {
	call := plainCaller(b, benchServer(b, 0).URL)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call()
	}
}

// BenchmarkLuaVsPlain interleaves the two (same server) so that load from other
// processes hits both equally, and reports lua-ns, plain-ns and their ratio.
func BenchmarkLuaVsPlain(b *testing.B) {
	url := benchServer(b, 0).URL
	luaCall, plainCall := luaCaller(b, url), plainCaller(b, url)
	var luaT, plainT time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		luaCall()
		t1 := time.Now()
		plainCall()
		t2 := time.Now()
		luaT += t1.Sub(t0)
		plainT += t2.Sub(t1)
	}
	b.ReportMetric(float64(luaT.Nanoseconds())/float64(b.N), "lua-ns/call")
	b.ReportMetric(float64(plainT.Nanoseconds())/float64(b.N), "plain-ns/call")
	b.ReportMetric(float64(luaT)/float64(plainT), "lua/plain")
}

// BenchmarkBatch100 is workos.batch of 100 GETs against a server answering after
// 20 ms, at the default concurrency.
func BenchmarkBatch100(b *testing.B) {
	srv := benchServer(b, 20*time.Millisecond)
	c, err := api.NewClient(&api.Options{APIKey: apitest.TestKey, BaseURL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	L := lua.NewState()
	defer L.Close()
	luajson.Preload(L)
	(&Module{Catalog: catalog.Default(), Client: c}).Preload(L)
	if err := L.DoString(`
		local calls = {}
		for i = 1, 100 do calls[i] = {"organizations_find", {id = "org_" .. i}} end
		return function()
			local res = workos.batch(calls)
			for i = 1, 100 do assert(res[i].ok, "call failed") end
		end`); err != nil {
		b.Fatal(err)
	}
	fn := L.Get(-1).(*lua.LFunction)
	L.Pop(1)
	call := func() {
		L.Push(fn)
		if err := L.PCall(0, 0, nil); err != nil {
			b.Fatal(err)
		}
	}
	call()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call()
	}
}
