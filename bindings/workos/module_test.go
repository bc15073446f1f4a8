package workos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/internal/apitest"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// newLua returns a state with json and the workos module (over the test catalog
// unless m.Catalog is set) loaded.
func newLua(t testing.TB, m *Module) *lua.LState {
	t.Helper()
	if m.Catalog == nil {
		m.Catalog = apitest.Catalog(t)
	}
	L := lua.NewState()
	t.Cleanup(L.Close)
	luajson.Preload(L)
	m.Preload(L)
	return L
}

// run executes script and returns its single return value as JSON.
func run(t testing.TB, L *lua.LState, script string) string {
	t.Helper()
	if err := L.DoString(script); err != nil {
		t.Fatalf("script failed: %v\n%s", err, script)
	}
	v := L.Get(-1)
	L.Pop(1)
	b, err := luajson.Encode(v, nil)
	if err != nil {
		t.Fatalf("encode result: %v", err)
	}
	return string(b)
}

func jsonServer(t testing.TB, body string) *apitest.Recorder {
	return apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_"+strconv.Itoa(n))
		io.WriteString(w, body)
	})
}

func TestModuleNamesAndPaths(t *testing.T) {
	srv := jsonServer(t, `{"id":"org_1","name":"Acme"}`)
	L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
	got := run(t, L, `
		local a = workos.organizations_find({id = "org_1"})
		local b = workos.workos_organizations_find({id = "org_1"})             -- seed name
		local c = workos.get_organization({id = "org_1"})                     -- title alias
		local d = app.integrations.workos.organizations_find({id = "org_1"})  -- KosmoKrator path
		local e = app.integrations.workos.default.organizations_find("org_1") -- default account, positional
		local f = require("workos").call("organizations_find", {id = "org_1"})
		assert(workos.organizations_find == workos.workos_organizations_find, "same function")
		assert(require("workos") == workos and app.integrations.workos == workos)
		return {a.name, b.name, c.name, d.name, e.name, f.name}`)
	if diff := cmp.Diff(`["Acme","Acme","Acme","Acme","Acme","Acme"]`, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	for _, r := range srv.Requests() {
		if r.Path != "/organizations/org_1" {
			t.Errorf("path %q", r.Path)
		}
	}
}

func TestModuleErrors(t *testing.T) {
	srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Request-Id", "req_404")
		w.WriteHeader(404)
		io.WriteString(w, `{"code":"not_found","message":"Organization not found"}`)
	})
	L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
	tests := []struct {
		name, script, want string
	}{
		{"api error fields", `
			local ok, err = pcall(workos.organizations_find, {id = "org_x"})
			return {ok = ok, kind = err.kind, status = err.status, code = err.code, message = err.message,
				request_id = err.request_id, ["function"] = err["function"], method = err.method, path = err.path,
				line = err.line, text = tostring(err), concat = "E: " .. err}`,
			`{"code":"not_found","concat":"E: workos: 404 not_found: Organization not found (request_id: req_404)","function":"organizations_find","kind":"api_error","line":2,"message":"Organization not found","method":"GET","ok":false,"path":"/organizations/org_x","request_id":"req_404","status":404,"text":"workos: 404 not_found: Organization not found (request_id: req_404)"}`},
		{"validation error", `
			local ok, err = pcall(workos.organizations_find, {idd = "x"})
			return {kind = err.kind, param = err.param, problem = err.problem, hint = err.hint, text = tostring(err)}`,
			`{"hint":"did you mean \"id\"? valid keys: id","kind":"validation_error","param":"idd","problem":"unknown argument","text":"workos: organizations_find: idd: unknown argument; did you mean \"id\"? valid keys: id"}`},
		{"unknown function", `
			local ok, err = pcall(function() return workos.organizations_fnd end)
			return {kind = err.kind, name = err.name, suggestions = err.suggestions}`,
			`{"kind":"unknown_function","name":"organizations_fnd","suggestions":["organizations_find","organizations_list","organizations_update"]}`},
		{"ambiguous alias", `
			local ok, err = pcall(function() return workos.list_groups end)
			return {kind = err.kind, candidates = err.candidates, text = tostring(err)}`,
			`{"candidates":["list_groups_a","list_groups_b"],"kind":"unknown_function","text":"workos: \"list_groups\" is ambiguous: it could mean list_groups_a, list_groups_b; call one of those names instead"}`},
		{"module is read-only", `
			local ok, err = pcall(function() workos.organizations_find = 1 end)
			return {ok = ok, err = err}`,
			`{"err":"<string>:2: workos: the workos module is read-only (tried to set \"organizations_find\"); keep your own values in a local table","ok":false}`},
		{"metatable is protected", `return getmetatable(workos)`,
			`"workos: the module's metatable is protected"`},
		{"string methods apply to the message (KosmoKrator scripts matched strings)", `
			local ok, err = pcall(workos.organizations_find, "org_x")
			return {err:match("404"), err:find("not_found", 1, true), err:upper():sub(1, 6)}`,
			`["404",13,"WORKOS"]`},
		{"too many positional arguments", `
			local ok, err = pcall(workos.organizations_find, "a", "b")
			return err.problem`,
			`"too many positional arguments (2; it takes 1: id)"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, run(t, L, tt.script)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestErrorTableReachesGo pins that an uncaught error arrives in Go as the table
// itself (lua.ApiError.Object), so the runtime can rebuild the error.
func TestErrorTableReachesGo(t *testing.T) {
	srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Request-Id", "req_9")
		w.WriteHeader(422)
		io.WriteString(w, `{"message":"Validation failed.","errors":[{"field":"name","code":"required"}]}`)
	})
	L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
	err := L.DoString("local x = 1\nworkos.organizations_create({name = 'a'})")
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want *lua.ApiError", err, err)
	}
	tbl, ok := ae.Object.(*lua.LTable)
	if !ok {
		t.Fatalf("ApiError.Object is %T, want the error table", ae.Object)
	}
	got, _ := luajson.ToGo(tbl)
	want := map[string]any{"kind": "api_error", "status": int64(422), "message": "Validation failed.", "request_id": "req_9",
		"function": "organizations_create", "method": "POST", "path": "/organizations", "line": int64(2),
		"errors": []any{map[string]any{"field": "name", "code": "required"}},
		"text":   "workos: 422: Validation failed. [name: required] (request_id: req_9)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error table mismatch (-want +got):\n%s", diff)
	}
	raised, ok := ErrorFromLua(err)
	var apiErr *api.APIError
	if !ok || !errors.As(raised.Err, &apiErr) || apiErr.Status != 422 || apiErr.RequestID != "req_9" {
		t.Fatalf("ErrorFromLua = %+v, %v; want the *APIError", raised, ok)
	}
	if raised.Line < 1 {
		t.Errorf("ErrorFromLua line = %d, want the script's", raised.Line)
	}
}

func TestModuleNetworkAndCancel(t *testing.T) {
	L := newLua(t, &Module{Client: newTestClient(t, "http://127.0.0.1:1", func(o *api.Options) { o.MaxRetries = 1 })})
	got := run(t, L, `
		local ok, err = pcall(workos.organizations_find, "o")
		return {err.kind, err.attempts, err.path, err.status == nil}`)
	if diff := cmp.Diff(`["network_error",2,"/organizations/o",true]`, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) { <-r.Context().Done() })
	L2 := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	L2.SetContext(ctx)
	err := L2.DoString(`workos.organizations_find("o")`)
	raised, ok := ErrorFromLua(err)
	if !ok || !errors.Is(raised.Err, context.DeadlineExceeded) {
		t.Fatalf("error %v (go error %+v), want the deadline", err, raised)
	}
	var ae *lua.ApiError
	errors.As(err, &ae)
	if tbl, ok := ae.Object.(*lua.LTable); !ok || tbl.RawGetString("kind").String() != api.KindCanceled {
		t.Errorf("error object %v, want kind %q", ae.Object, api.KindCanceled)
	}
}

func TestPositionalArguments(t *testing.T) {
	srv := jsonServer(t, `{}`)
	L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
	run(t, L, `
		workos.organizations_update("org_1", {name = "Acme"})              -- path param, then the body
		workos.role_permissions_add("admin", {slug = "posts:read"})         -- a shadowed field in the body
		workos.organizations_list(nil, nil, 5)                              -- before, after, limit
		return true`)
	want := []apitest.Recorded{
		{Method: "PUT", Path: "/organizations/org_1", Body: `{"name":"Acme"}`},
		{Method: "POST", Path: "/authorization/roles/admin/permissions", Body: `{"slug":"posts:read"}`},
		{Method: "GET", Path: "/organizations", Query: "limit=5"},
	}
	got := srv.Requests()
	for i := range got {
		got[i].Header = nil
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
}

func TestModuleResults(t *testing.T) {
	var body atomic.Value
	srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		b := body.Load().(string)
		if b == "" {
			w.WriteHeader(204)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, b)
	})
	L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
	tests := []struct{ name, body, script, want string }{
		{"arrays stay arrays, empty ones too; null becomes nil", `{"object":"list","data":[],"list_metadata":{"before":null,"after":null},"tags":["a"]}`,
			`local r = workos.organizations_list() return {json.encode(r), r.list_metadata.after == nil}`,
			`["{\"data\":[],\"list_metadata\":{},\"object\":\"list\",\"tags\":[\"a\"]}",true]`},
		{"integers stay integers (beyond 2^53: exact strings)", `{"count":12,"big":12345678901234567890,"f":1.5}`,
			`local r = workos.organizations_find("o") return {json.encode(r), math.type and 0 or r.count + 1}`,
			`["{\"big\":\"12345678901234567890\",\"count\":12,\"f\":1.5}",13]`},
		{"empty body", ``,
			`return workos.organizations_delete({id = "o"})`,
			`{"status":204,"success":true}`},
		{"explicit null is sent", `{}`,
			`workos.organizations_create({name = "a", metadata = json.null}) return "ok"`,
			`"ok"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body.Store(tt.body)
			if diff := cmp.Diff(tt.want, run(t, L, tt.script)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Body != `{"metadata":null,"name":"a"}` {
		t.Errorf("body sent %q", last.Body)
	}
}

func TestAuthorizeAndObserve(t *testing.T) {
	srv := jsonServer(t, `{}`)
	var mu sync.Mutex
	var recs []api.CallRecord
	m := &Module{
		Client: newTestClient(t, srv.URL, nil),
		Authorize: func(ctx context.Context, op *catalog.Operation) error {
			if op.Access == catalog.Destructive {
				return kindErr{"policy_denied", "kosmo: " + op.Name + " is destructive and writes are denied"}
			}
			if op.Access == catalog.Write {
				return errors.New("writes are denied")
			}
			return nil
		},
		Observe: func(r api.CallRecord) { mu.Lock(); recs = append(recs, r); mu.Unlock() },
	}
	L := newLua(t, m)
	got := run(t, L, `
		local _, e1 = pcall(workos.organizations_delete, {id = "o"})
		local _, e2 = pcall(workos.organizations_create, {name = "x"})
		local _, e3 = pcall(workos.organizations_create, {})
		workos.organizations_find({id = "o"})
		return {e1.kind, e1.message, e2.kind, e3.kind}`)
	want := `["policy_denied","kosmo: organizations_delete is destructive and writes are denied","denied","validation_error"]`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
	type short struct {
		Function, Path string
		Status         int
		Access         catalog.Access
		Failed         bool
	}
	var gotRecs []short
	for _, r := range recs {
		gotRecs = append(gotRecs, short{r.Function, r.Path, r.Status, r.Access, r.Err != nil})
	}
	wantRecs := []short{
		{"organizations_delete", "/organizations/o", 0, catalog.Destructive, true},
		{"organizations_create", "/organizations", 0, catalog.Write, true},
		{"organizations_create", "/organizations", 0, catalog.Write, true},
		{"organizations_find", "/organizations/o", 200, catalog.Read, false},
	}
	if diff := cmp.Diff(wantRecs, gotRecs); diff != "" {
		t.Errorf("records mismatch (-want +got):\n%s", diff)
	}
}

type kindErr struct{ kind, msg string }

func (e kindErr) Error() string { return e.msg }
func (e kindErr) Kind() string  { return e.kind }

// pagedServer serves organizations_list from 7 items, honouring limit/after.
func pagedServer(t testing.TB) *apitest.Recorder {
	return apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		start := 0
		if a := r.URL.Query().Get("after"); a != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(a, "org_"))
		}
		var items []string
		end := min(start+limit, 7)
		for i := start + 1; i <= end; i++ {
			items = append(items, fmt.Sprintf(`{"id":"org_%d"}`, i))
		}
		after := "null"
		if end < 7 {
			after = fmt.Sprintf(`"org_%d"`, end)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"object":"list","data":[%s],"list_metadata":{"before":null,"after":%s}}`, strings.Join(items, ","), after)
	})
}

func TestPagination(t *testing.T) {
	tests := []struct {
		name, script, want string
		requests           int
	}{
		{"paginate follows after", `
			local ids = {}
			for org in workos.paginate("organizations_list", {limit = 3}) do ids[#ids+1] = org.id end
			return ids`, `["org_1","org_2","org_3","org_4","org_5","org_6","org_7"]`, 3},
		{"max_items", `
			local ids = {}
			for org in workos.paginate(workos.organizations_list, {limit = 3}, {max_items = 4}) do ids[#ids+1] = org.id end
			return ids`, `["org_1","org_2","org_3","org_4"]`, 2},
		{"list_all with max_pages returns the resume cursor", `
			local all, after = workos.list_all("organizations_list", {limit = 2}, {max_pages = 2})
			return {#all, after}`, `[4,"org_4"]`, 2},
		{"list_all default page size", `
			local all, after = workos.list_all("organizations_list")
			return {#all, after == nil}`, `[7,true]`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pagedServer(t)
			L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
			if diff := cmp.Diff(tt.want, run(t, L, tt.script)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if n := len(srv.Requests()); n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
		})
	}
	t.Run("not paginated", func(t *testing.T) {
		L := newLua(t, &Module{Client: newTestClient(t, "http://127.0.0.1:1", nil)})
		got := run(t, L, `local ok, err = pcall(workos.paginate, "organizations_find", {id = "x"}) return tostring(err)`)
		want := `"workos: organizations_find: is not paginated (it takes no after cursor); call workos.organizations_find(...) directly instead of workos.paginate"`
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestBatch(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cur := inFlight.Add(1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		time.Sleep(15 * time.Millisecond)
		inFlight.Add(-1)
		id := strings.TrimPrefix(r.URL.Path, "/organizations/")
		if id == "missing" {
			w.WriteHeader(404)
			io.WriteString(w, `{"message":"Organization not found"}`)
			return
		}
		fmt.Fprintf(w, `{"id":%q}`, id)
	})
	var observed atomic.Int32
	L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil), Observe: func(api.CallRecord) { observed.Add(1) }})
	got := run(t, L, `
		local calls = {}
		for i = 1, 12 do calls[#calls+1] = {"organizations_find", {id = "org_" .. i}} end
		calls[#calls+1] = {fn = "organizations_find", args = {id = "missing"}}
		calls[#calls+1] = {fn = "organizations_find", args = {idd = "x"}}
		calls[#calls+1] = {"no_such_function", {}}
		local res = workos.batch(calls, {concurrency = 3})
		local out = {}
		for i, r in ipairs(res) do
			if r.ok then out[i] = r.value.id else out[i] = r.error.kind .. ":" .. (r.error.status or 0) end
		end
		return out`)
	want := `["org_1","org_2","org_3","org_4","org_5","org_6","org_7","org_8","org_9","org_10","org_11","org_12","api_error:404","validation_error:0","unknown_function:0"]`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak in-flight = %d, want 2..3 (concurrency 3)", p)
	}
	if n := observed.Load(); n != 14 {
		t.Errorf("observed %d calls, want 14 (the unknown function is never a call)", n)
	}
}

func TestDryRunInLua(t *testing.T) {
	srv := jsonServer(t, `{"id":"org_1"}`)
	L := newLua(t, &Module{Client: newTestClient(t, srv.URL, func(o *api.Options) { o.DryRun = true })})
	got := run(t, L, `
		local r = workos.organizations_create({name = "Acme", idempotency_key = "k"})
		local g = workos.organizations_find("org_1")
		return {r.dry_run, r.request.method, r.request.url:sub(-14), r.request.headers.Authorization, r.request.body.name, g.id}`)
	want := `[true,"POST","/organizations","Bearer [REDACTED]","Acme","org_1"]`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	all := run(t, L, `return workos.organizations_update({id = "o", name = "n"})`)
	if strings.Contains(all, apitest.TestKey) || !strings.Contains(all, `"dry_run":true`) {
		t.Errorf("dry-run result %s", all)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("sent %d requests, want only the read", n)
	}
}

func TestDescribeAndFunctions(t *testing.T) {
	L := newLua(t, &Module{Client: newTestClient(t, "http://127.0.0.1:1", nil)})
	got := run(t, L, `
		local d = workos.describe("role_permissions_add")
		local f = workos.describe(workos.organizations_find)
		return {d.name, d.method, d.path, d.access, d.body.must_use_body, d.example, f.aliases, f.params[1].key, f.params[1].required,
			workos.functions("organizations_"), workos.functions({access = "destructive"})}`)
	want := `["role_permissions_add","POST","/authorization/roles/{slug}/permissions","write",["slug"],` +
		`"workos.role_permissions_add{ slug = \"<slug>\", body = { slug = \"<slug>\" } }",["workos_organizations_find","get_organization"],"id",true,` +
		`["organizations_create","organizations_delete","organizations_find","organizations_list","organizations_update"],` +
		`["organizations_delete","role_assignments_remove"]]`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestFullCatalogSmoke loads the real catalog: every function resolves lazily
// and a real GET goes out with the right shape (api's tests compile every
// body schema).
func TestFullCatalogSmoke(t *testing.T) {
	cat := catalog.Default()
	srv := jsonServer(t, `{"id":"org_01","object":"organization"}`)
	client := newTestClient(t, srv.URL, nil)
	L := newLua(t, &Module{Catalog: cat, Client: client})
	got := run(t, L, `
		local n = 0
		for _, name in ipairs(workos.functions()) do
			assert(type(workos[name]) == "function", name)
			n = n + 1
		end
		for _, name in ipairs(workos.functions()) do
			local d = workos.describe(name)
			assert(d.name == name and d.example:find("workos." .. name, 1, true), name)
		end
		local org = workos.organizations_find({id = "org_01"})
		local same = workos.workos_organizations_find == workos.organizations_find
		local ok, err = pcall(workos.userland_sessions_authenticate_0, {client_id = "c", grant_type = "pasword"})
		return {n, org.id, same, err.param, err.problem}`)
	want := `[212,"org_01",true,"grant_type","unknown value \"pasword\""]`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if r := srv.Requests(); len(r) != 1 || r[0].Path != "/organizations/org_01" {
		t.Errorf("requests %+v", r)
	}
}
