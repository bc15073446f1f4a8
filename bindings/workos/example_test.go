package workos_test

import (
	"io"
	"net/http"
	"net/http/httptest"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/organizations/org_missing" {
			w.Header().Set("X-Request-Id", "req_1")
			w.WriteHeader(404)
			io.WriteString(w, `{"code":"not_found","message":"Organization not found"}`)
			return
		}
		io.WriteString(w, `{"id":"org_123","name":"Acme","domains":[]}`)
	}))
	defer srv.Close()

	client, err := api.NewClient(&api.Options{APIKey: "sk_test_example", BaseURL: srv.URL})
	if err != nil {
		panic(err)
	}
	L := lua.NewState()
	defer L.Close()
	luajson.Preload(L)
	(&workos.Module{Catalog: catalog.Default(), Client: client}).Preload(L)

	err = L.DoString(`
		local org = workos.organizations_find({id = "org_123"})
		print(org.name, json.encode(org.domains))
		local ok, e = pcall(workos.organizations_find, "org_missing")
		print(e.status, e.code, tostring(e))
	`)
	if err != nil {
		panic(err)
	}
	// Output:
	// Acme	[]
	// 404	not_found	workos: 404 not_found: Organization not found (request_id: req_1)
}
