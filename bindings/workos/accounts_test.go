package workos

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// accountRecorder is an AccountCaller that records "account function" for
// each call and answers an empty list page.
type accountRecorder struct {
	account string
	mu      *sync.Mutex
	calls   *[]string
}

func newAccountRecorder() *accountRecorder {
	return &accountRecorder{account: "default", mu: &sync.Mutex{}, calls: &[]string{}}
}

func (r *accountRecorder) Call(_ context.Context, op *catalog.Operation, _ map[string]any, _ bool) (*api.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.calls = append(*r.calls, r.account+" "+op.Name)
	return &api.Result{Function: op.Name, Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"data":[],"list_metadata":{}}`)}, nil
}

func (r *accountRecorder) Reject(*catalog.Operation, error, bool) {}

func (r *accountRecorder) Account(name string) Caller {
	return &accountRecorder{account: name, mu: r.mu, calls: r.calls}
}

// TestAccountTables checks workos.<account>: each configured account is a
// module table whose calls (helpers included) go to that account's Caller;
// workos.default is the module itself.
func TestAccountTables(t *testing.T) {
	rec := newAccountRecorder()
	L := newLua(t, &Module{Caller: rec, Accounts: []string{"prod", "staging"}})
	got := run(t, L, `
workos.organizations_list{}
workos.default.organizations_list{}
app.integrations.workos.prod.organizations_list{}
workos.staging.call("organizations_find", {id = "org_1"})
workos.prod.batch({{"organizations_list", {}}})
for _ in workos.staging.paginate(workos.staging.organizations_list) do end
return {workos.prod == workos.prod, workos.default == workos, rawequal(workos.prod, workos.staging)}`)
	if got != "[true,true,false]" {
		t.Errorf("identities: %s", got)
	}
	want := []string{"default organizations_list", "default organizations_list", "prod organizations_list",
		"staging organizations_find", "prod organizations_list", "staging organizations_list"}
	if diff := cmp.Diff(want, *rec.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	re, ok := ErrorFromLua(L.DoString(`return workos.prdo.organizations_list{}`))
	if !ok || !strings.Contains(re.Err.Error(), "not a configured account either (accounts: default, prod, staging)") || api.KindOf(re.Err) != api.KindUnknownFunction {
		t.Errorf("unknown account: %v", re)
	}
}

// TestAccountsNeedAnAccountCaller checks that Preload refuses Accounts
// without a Caller that can route them.
func TestAccountsNeedAnAccountCaller(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Preload accepted Accounts with a plain Client")
		}
	}()
	newLua(t, &Module{Client: newTestClient(t, "http://127.0.0.1:1", nil), Accounts: []string{"prod"}})
}
