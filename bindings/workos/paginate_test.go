package workos

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/internal/apitest"
)

// cursorServer serves organizations_list over org_1..org_n (creation order)
// with WorkOS's cursor rules: order asc|desc|normal (default desc; normal is
// descending with before and after swapped), before/after object ids, limit
// (default 10), list_metadata {before, after} with null at either end. With
// ignoreLimit it answers whole lists, as a server that ignores limit would.
func cursorServer(t testing.TB, n int, ignoreLimit bool) *apitest.Recorder {
	return apitest.NewRecorder(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		q := r.URL.Query()
		limit := 10
		if s := q.Get("limit"); s != "" {
			limit, _ = strconv.Atoi(s)
		}
		if ignoreLimit {
			limit = n
		}
		order := q.Get("order")
		if order == "" {
			order = "desc"
		}
		before, after := q.Get("before"), q.Get("after")
		if order == "normal" {
			before, after = after, before
		}
		seq := make([]int, n)
		for i := range seq {
			if order == "asc" {
				seq[i] = i + 1
			} else {
				seq[i] = n - i
			}
		}
		index := func(id string) int {
			k, _ := strconv.Atoi(strings.TrimPrefix(id, "org_"))
			for i, v := range seq {
				if v == k {
					return i
				}
			}
			t.Errorf("unknown cursor %q", id)
			return 0
		}
		start, end := 0, min(limit, n)
		switch {
		case after != "":
			start = index(after) + 1
			end = min(start+limit, n)
		case before != "":
			end = index(before)
			start = max(0, end-limit)
		}
		var items []string
		for _, v := range seq[start:end] {
			items = append(items, fmt.Sprintf(`{"id":"org_%d"}`, v))
		}
		mb, ma := "null", "null"
		if start > 0 && end > start {
			mb = fmt.Sprintf(`"org_%d"`, seq[start])
		}
		if end < n && end > start {
			ma = fmt.Sprintf(`"org_%d"`, seq[end-1])
		}
		if order == "normal" {
			mb, ma = ma, mb
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"object":"list","data":[%s],"list_metadata":{"before":%s,"after":%s}}`, strings.Join(items, ","), mb, ma)
	})
}

// pageQueries returns, per request, the cursor and limit parameters sent.
func pageQueries(t testing.TB, srv *apitest.Recorder) []string {
	var out []string
	for _, r := range srv.Requests() {
		q, err := url.ParseQuery(r.Query)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, k := range []string{"before", "after", "limit"} {
			if v, ok := q[k]; ok {
				parts = append(parts, k+"="+strings.Join(v, ","))
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

func TestPaginationCapsAndDirection(t *testing.T) {
	tests := []struct {
		name, script, want string
		ignoreLimit        bool
		queries            []string
	}{
		{
			name: "list_all: max_items inside a page asks for a shorter last page and returns its cursor",
			script: `
				local a, cur = workos.list_all("organizations_list", {limit = 2, order = "asc"}, {max_items = 3})
				local b, cur2 = workos.list_all("organizations_list", {limit = 2, order = "asc", after = cur})
				local ids = {}
				for _, o in ipairs(a) do ids[#ids+1] = o.id end
				ids[#ids+1] = cur
				for _, o in ipairs(b) do ids[#ids+1] = o.id end
				ids[#ids+1] = cur2 == nil
				return ids`,
			want:    `["org_1","org_2","org_3","org_3","org_4","org_5","org_6","org_7",true]`,
			queries: []string{"limit=2", "after=org_2 limit=1", "after=org_3 limit=2", "after=org_5 limit=2"},
		},
		{
			name: "paginate: max_items does not over-fetch",
			script: `
				local ids = {}
				for o in workos.paginate("organizations_list", {limit = 3, order = "asc"}, {max_items = 5}) do ids[#ids+1] = o.id end
				return ids`,
			want:    `["org_1","org_2","org_3","org_4","org_5"]`,
			queries: []string{"limit=3", "after=org_3 limit=2"},
		},
		{
			name: "max_items at the end of the list gives a nil cursor",
			script: `
				local a, cur = workos.list_all("organizations_list", {limit = 4, order = "asc"}, {max_items = 7})
				return {#a, cur == nil}`,
			want:    `[7,true]`,
			queries: []string{"limit=4", "after=org_4 limit=3"},
		},
		{
			name: "a server that ignores limit: the cursor is the last returned item",
			script: `
				local a, cur = workos.list_all("organizations_list", {limit = 2, order = "asc"}, {max_items = 3})
				return {#a, cur}`,
			ignoreLimit: true,
			want:        `[3,"org_3"]`,
			queries:     []string{"limit=2"},
		},
		{
			name: "before with asc walks backwards, nearest the cursor first",
			script: `
				local ids = {}
				for o in workos.paginate("organizations_list", {before = "org_6", limit = 2, order = "asc"}) do ids[#ids+1] = o.id end
				return ids`,
			want:    `["org_5","org_4","org_3","org_2","org_1"]`,
			queries: []string{"before=org_6 limit=2", "before=org_4 limit=2", "before=org_2 limit=2"},
		},
		{
			name: "before with the default desc order walks towards newer items",
			script: `
				local ids = {}
				for o in workos.paginate(workos.organizations_list, {before = "org_2", limit = 2}) do ids[#ids+1] = o.id end
				return ids`,
			want:    `["org_3","org_4","org_5","org_6","org_7"]`,
			queries: []string{"before=org_2 limit=2", "before=org_4 limit=2", "before=org_6 limit=2"},
		},
		{
			name: "before with normal order (reversed cursors) walks towards older items",
			script: `
				local ids = {}
				for o in workos.paginate("organizations_list", {before = "org_6", limit = 2, order = "normal"}) do ids[#ids+1] = o.id end
				return ids`,
			want:    `["org_5","org_4","org_3","org_2","org_1"]`,
			queries: []string{"before=org_6 limit=2", "before=org_4 limit=2", "before=org_2 limit=2"},
		},
		{
			name: "list_all backwards with max_items returns a before cursor that resumes the walk",
			script: `
				local a, cur = workos.list_all("organizations_list", {before = "org_7", limit = 2, order = "asc"}, {max_items = 3})
				local b, cur2 = workos.list_all("organizations_list", {before = cur, limit = 2, order = "asc"})
				local ids = {}
				for _, o in ipairs(a) do ids[#ids+1] = o.id end
				ids[#ids+1] = cur
				for _, o in ipairs(b) do ids[#ids+1] = o.id end
				ids[#ids+1] = cur2 == nil
				return ids`,
			want:    `["org_6","org_5","org_4","org_4","org_3","org_2","org_1",true]`,
			queries: []string{"before=org_7 limit=2", "before=org_5 limit=1", "before=org_4 limit=2", "before=org_2 limit=2"},
		},
		{
			name: "list_all backwards with max_pages",
			script: `
				local a, cur = workos.list_all("organizations_list", {before = "org_7", limit = 2, order = "asc"}, {max_pages = 1})
				return {#a, a[1].id, a[2].id, cur}`,
			want:    `[2,"org_6","org_5","org_5"]`,
			queries: []string{"before=org_7 limit=2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cursorServer(t, 7, tt.ignoreLimit)
			L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
			if diff := cmp.Diff(tt.want, run(t, L, tt.script)); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.queries, pageQueries(t, srv)); diff != "" {
				t.Errorf("queries mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a cursor that does not advance stops the walk", func(t *testing.T) {
		srv := jsonServer(t, `{"object":"list","data":[{"id":"org_1"}],"list_metadata":{"before":null,"after":"org_1"}}`)
		L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
		got := run(t, L, `
			local ok, err = pcall(workos.list_all, "organizations_list", {})
			return {ok, err.kind, tostring(err)}`)
		want := `[false,"error","workos: organizations_list: list_metadata.after repeats the cursor just sent (\"org_1\"), so the walk would never end; page by hand with workos.organizations_list"]`
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("sent %d requests, want 2", n)
		}
	})
	t.Run("after and before together are rejected", func(t *testing.T) {
		srv := cursorServer(t, 7, false)
		L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
		got := run(t, L, `
			local ok, err = pcall(workos.list_all, "organizations_list", {before = "org_6", after = "org_2"})
			return {err.kind, err.param, err.problem}`)
		if diff := cmp.Diff(`["validation_error","after, before","give one cursor, not both"]`, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("sent %d requests, want 0", n)
		}
	})
}

// TestEmptyTableAsObject: an empty Lua table converts to [], which must be sent
// as {} wherever the schema wants an object, and stay [] where it wants an array.
func TestEmptyTableAsObject(t *testing.T) {
	cat, err := catalog.New([]*catalog.Operation{{
		Name: "things_create", Method: "POST", Path: "/things", Access: catalog.Write, Auth: catalog.AuthAPIKey,
		Body: &catalog.Body{Required: true, Schema: json.RawMessage(`{"type":"object","properties":{
			"metadata":{"type":["object","null"],"additionalProperties":{"type":"string"}},
			"tags":{"type":"array","items":{"type":"string"}},
			"config":{"type":"object","properties":{
				"extra":{"type":"object"},
				"list":{"type":"array","items":{"type":"object","properties":{"inner":{"type":"object"}}}},
				"tuple":{"type":"array","prefixItems":[{"type":"object"},{"type":"array"}]}}},
			"choice":{"oneOf":[{"type":"object","properties":{"deep":{"type":"object"}}},{"type":"null"}]},
			"either":{"type":["object","array"]},
			"anything":{},
			"by_name":{"type":"object","additionalProperties":{"type":"object"}},
			"by_pattern":{"type":"object","patternProperties":{"^x_":{"type":"object"}},"additionalProperties":{"type":"array"}}}}`),
			Fields: []catalog.Field{
				{Name: "metadata", Type: "object|null"}, {Name: "tags", Type: "array"}, {Name: "config", Type: "object"},
				{Name: "choice"}, {Name: "either", Type: "object|array"}, {Name: "anything"},
				{Name: "by_name", Type: "object"}, {Name: "by_pattern", Type: "object"}, {Name: "legacy", Type: "object"},
			}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	op := apitest.MustOp(t, cat, "things_create")
	empty := []any{}
	tests := []struct {
		name string
		args map[string]any
		want string
	}{
		{"top-level object field", map[string]any{"metadata": empty}, `{"metadata":{}}`},
		{"top-level object field under body", map[string]any{"body": map[string]any{"metadata": empty}}, `{"metadata":{}}`},
		{"array field stays an array", map[string]any{"tags": empty}, `{"tags":[]}`},
		{"object or array stays as given", map[string]any{"either": empty}, `{"either":[]}`},
		{"untyped stays as given", map[string]any{"anything": empty}, `{"anything":[]}`},
		{"field typed object without a schema property", map[string]any{"legacy": empty}, `{"legacy":{}}`},
		{"whole nested object", map[string]any{"config": empty}, `{"config":{}}`},
		{"nested properties and array items", map[string]any{"config": map[string]any{
			"extra": empty, "list": []any{empty, map[string]any{"inner": empty}}, "tuple": []any{empty, empty}}},
			`{"config":{"extra":{},"list":[{},{"inner":{}}],"tuple":[{},[]]}}`},
		{"oneOf branches", map[string]any{"choice": map[string]any{"deep": empty}}, `{"choice":{"deep":{}}}`},
		{"additionalProperties and patternProperties", map[string]any{
			"by_name":    map[string]any{"a": empty},
			"by_pattern": map[string]any{"x_1": empty, "other": empty}},
			`{"by_name":{"a":{}},"by_pattern":{"other":[],"x_1":{}}}`},
	}
	v := api.NewValidator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := v.Prepare(op, tt.args)
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(req.Body)); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("from Lua", func(t *testing.T) {
		srv := jsonServer(t, `{"id":"org_1"}`)
		L := newLua(t, &Module{Client: newTestClient(t, srv.URL, nil)})
		run(t, L, `return workos.organizations_create{name = "x", metadata = {}, domains = {}}`)
		reqs := srv.Requests()
		if len(reqs) != 1 {
			t.Fatalf("sent %d requests, want 1", len(reqs))
		}
		if diff := cmp.Diff(`{"domains":[],"metadata":{},"name":"x"}`, reqs[0].Body); diff != "" {
			t.Errorf("body mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestHelperArgumentErrors: misuse of call, batch, describe and the pagers is a
// validation_error with a hint, never the undocumented kind "error"; batch
// items and calls rejected before a request is prepared still reach Observe.
func TestHelperArgumentErrors(t *testing.T) {
	srv := jsonServer(t, `{"id":"org_1"}`)
	var mu sync.Mutex
	var recs []string
	m := &Module{Client: newTestClient(t, srv.URL, nil), Observe: func(r api.CallRecord) {
		mu.Lock()
		defer mu.Unlock()
		recs = append(recs, fmt.Sprintf("%s %s batch=%v status=%d err=%v", r.Function, r.Path, r.Batch, r.Status, r.Err != nil))
	}}
	L := newLua(t, m)
	tests := []struct {
		name, expr, want string
	}{
		{"call with a number", `workos.call(42)`,
			`{"hint":"workos.call(\"organizations_list\", {limit = 10})","kind":"validation_error","problem":"expected a function name such as \"organizations_list\" or a workos function, got number"}`},
		{"call with no name", `workos.call()`,
			`{"hint":"workos.call(\"organizations_list\", {limit = 10})","kind":"validation_error","problem":"missing function name"}`},
		{"call with a foreign function", `workos.call(print)`,
			`{"hint":"workos.call(\"organizations_list\", {limit = 10})","kind":"validation_error","problem":"expected a function name such as \"organizations_list\" or a workos function, got a function that is not part of the workos module"}`},
		{"call with non-table arguments", `workos.call("organizations_list", 1)`,
			`{"function":"organizations_list","hint":"workos.call(\"organizations_list\", {...}), e.g. workos.organizations_list({})","kind":"validation_error","param":"args","problem":"arguments must be a table of named values, got number"}`},
		{"describe with a number", `workos.describe(1)`,
			`{"hint":"workos.describe(\"organizations_find\")","kind":"validation_error","problem":"expected a function name such as \"organizations_list\" or a workos function, got number"}`},
		{"paginate with a boolean", `workos.paginate(true)`,
			`{"hint":"workos.paginate(\"organizations_list\", {limit = 100}, {max_items = 500})","kind":"validation_error","problem":"expected a function name such as \"organizations_list\" or a workos function, got boolean"}`},
		{"batch with a string", `workos.batch("organizations_find")`,
			`{"hint":"workos.batch({{\"organizations_find\", {id = \"org_1\"}}, {fn = \"organizations_find\", args = {id = \"org_2\"}}}, {concurrency = 8})","kind":"validation_error","param":"calls","problem":"must be an array of calls, got string"}`},
		{"batch with bad options", `workos.batch({}, {concurrency = "many"})`,
			`{"hint":"pass {concurrency = 8} (1..64)","kind":"validation_error","param":"concurrency","problem":"must be a number, got string"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, L, `local ok, err = pcall(function() return `+tt.expr+` end)
				assert(not ok, "expected an error")
				return {kind = err.kind, ["function"] = err["function"], param = err.param, problem = err.problem, hint = err.hint}`)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("batch items", func(t *testing.T) {
		mu.Lock()
		recs = nil
		mu.Unlock()
		got := run(t, L, `
			local res = workos.batch({
				{"organizations_find", {id = "org_1"}},
				42,
				{args = {id = "x"}},
				{"organizations_find", 5},
				{"organizations_find", {print}},
			})
			local out = {}
			for i, r in ipairs(res) do
				if r.ok then out[i] = r.value.id
				else out[i] = r.error.kind .. " | " .. (r.error.param or "") .. " | " .. r.error.problem .. " | " .. tostring(r.error.hint ~= nil) end
			end
			return out`)
		want := `["org_1",` +
			`"validation_error | calls[2] | must be a table {name, args} or {fn = name, args = {...}}, got number | true",` +
			`"validation_error | calls[3] | missing function name | true",` +
			`"validation_error | calls[4].args | arguments must be a table, got number | true",` +
			`"validation_error |  | arguments cannot be converted: luajson: cannot encode value at $[1]: a function has no JSON form; remove it or replace it with a string | true"]`
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		mu.Lock()
		defer mu.Unlock()
		// Items without a function are not calls; the two with rejected
		// arguments are, with no status.
		wantRecs := []string{
			"organizations_find /organizations/{id} batch=true status=0 err=true",
			"organizations_find /organizations/{id} batch=true status=0 err=true",
			"organizations_find /organizations/org_1 batch=true status=200 err=false",
		}
		if diff := cmp.Diff(wantRecs, recs); diff != "" {
			t.Errorf("records mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("direct calls with rejected arguments are observed", func(t *testing.T) {
		mu.Lock()
		recs = nil
		mu.Unlock()
		run(t, L, `
			pcall(workos.call, "organizations_find", 1)
			pcall(workos.organizations_find, {id = "x"}, 2)
			pcall(workos.list_all, "organizations_list", "x")
			pcall(workos.call, 42)
			return true`)
		mu.Lock()
		defer mu.Unlock()
		wantRecs := []string{
			"organizations_find /organizations/{id} batch=false status=0 err=true",
			"organizations_find /organizations/{id} batch=false status=0 err=true",
			"organizations_list /organizations batch=false status=0 err=true",
		}
		if diff := cmp.Diff(wantRecs, recs); diff != "" {
			t.Errorf("records mismatch (-want +got):\n%s", diff)
		}
	})
}
