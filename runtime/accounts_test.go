package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// newAccountsRuntime returns a runtime whose default account ("staging") and
// named account "prod" are two emulators with their own state.
func newAccountsRuntime(t *testing.T, iso runtime.Isolation, prod runtime.Account) (*runtime.Runtime, *emulator.Emulator, *emulator.Emulator) {
	t.Helper()
	newEm := func() *emulator.Emulator {
		em, err := emulator.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { em.Close() })
		return em
	}
	staging, prodEm := newEm(), newEm()
	prod.APIKey, prod.BaseURL = testKey, "http://prod.emulator.local"
	prod.HTTPClient = &http.Client{Transport: prodEm.Transport()}
	rt, err := runtime.New(&runtime.Options{
		APIKey: testKey, BaseURL: "http://staging.emulator.local", HTTPClient: &http.Client{Transport: staging.Transport()},
		Account: "staging", Accounts: map[string]runtime.Account{"prod": prod}, Isolation: iso,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt, staging, prodEm
}

// TestAccountsReadOneWriteAnother runs KosmoKrator's two-account idiom: read
// from the default account, write to a named one; each call in the envelope
// names its account and the write lands only in the named account's state.
func TestAccountsReadOneWriteAnother(t *testing.T) {
	src := `
local orgs = app.integrations.workos.staging.organizations_list{limit = 100}
local created = workos.prod.organizations_create{name = "Copied " .. orgs.data[1].name}
local n = 0
for _ in workos.prod.paginate("organizations_list") do n = n + 1 end
return {created = created.name, prod = n, staging = #workos.default.organizations_list{limit = 100}.data}`
	for _, iso := range []runtime.Isolation{runtime.IsolationProcess, runtime.IsolationInProcess} {
		t.Run(string(iso), func(t *testing.T) {
			rt, _, _ := newAccountsRuntime(t, iso, runtime.Account{})
			res := run(t, rt, src, nil)
			if !res.OK {
				t.Fatalf("run failed: %+v", res.Error)
			}
			var got []string
			for _, c := range res.Calls {
				got = append(got, c.Account+" "+c.Function)
			}
			want := []string{"staging organizations_list", "prod organizations_create", "prod organizations_list", "staging organizations_list"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if !strings.Contains(string(res.Result), `"staging":3`) || !strings.Contains(string(res.Result), `"prod":4`) {
				t.Errorf("result %s: the write should land in prod only (3 seed organizations each)", res.Result)
			}
		})
	}
}

// TestAccountsOwnWritePolicy checks that each account's write policy applies
// to its own calls only.
func TestAccountsOwnWritePolicy(t *testing.T) {
	for _, iso := range []runtime.Isolation{runtime.IsolationProcess, runtime.IsolationInProcess} {
		t.Run(string(iso), func(t *testing.T) {
			rt, _, _ := newAccountsRuntime(t, iso, runtime.Account{WritePolicy: runtime.WriteDeny})
			res := run(t, rt, `workos.organizations_create{name = "ok on staging"}
return workos.prod.organizations_create{name = "refused on prod"}`, nil)
			if res.Outcome != runtime.OutcomeDenied || res.Error.Setting == nil || res.Error.Setting.Account != "prod" {
				t.Fatalf("want denied by prod's policy, got %s %+v", res.Outcome, res.Error)
			}
			if !strings.Contains(res.Error.Message, `account "prod"`) || !res.Effects {
				t.Errorf("message %q should name the account; effects %v should record the staging write", res.Error.Message, res.Effects)
			}
			if got := res.Calls[1]; got.Account != "prod" || got.Status != nil {
				t.Errorf("refused call: %+v", got)
			}
		})
	}
}

// TestAccountsUnknown checks that a dynamically named unknown account fails
// with the configured accounts, and that the key never reaches the envelope.
func TestAccountsUnknown(t *testing.T) {
	rt, _, _ := newAccountsRuntime(t, runtime.IsolationProcess, runtime.Account{})
	res := run(t, rt, `local name = "pord"; return workos[name].organizations_list{}`, nil)
	if res.OK || res.Error.Kind != runtime.KindUnknownFunction || !strings.Contains(res.Error.Message, "accounts: default, prod, staging") {
		t.Fatalf("got %+v", res.Error)
	}
	if strings.Contains(fmt.Sprint(res), testKey) || strings.Contains(rt.Options().String(), testKey) {
		t.Error("the key leaked")
	}
	if got := rt.AccountNames(); !cmp.Equal(got, []string{"staging", "prod"}) {
		t.Errorf("AccountNames = %v", got)
	}
}

// TestCallAccount checks Runtime.CallAccount: the named account's state and
// policy, and an unknown account.
func TestCallAccount(t *testing.T) {
	rt, _, _ := newAccountsRuntime(t, runtime.IsolationInProcess, runtime.Account{WritePolicy: runtime.WriteDeny})
	ctx := context.Background()
	res, _ := rt.CallAccount(ctx, "prod", "organizations_list", nil)
	if !res.Success || res.Meta.Account != "prod" {
		t.Errorf("prod read: %+v", res)
	}
	res, _ = rt.CallAccount(ctx, "prod", "organizations_create", map[string]any{"name": "x"})
	if res.Success || res.Error.Kind != runtime.KindDenied {
		t.Errorf("prod write should be denied: %+v", res.Error)
	}
	res, _ = rt.CallAccount(ctx, "", "organizations_create", map[string]any{"name": "x"})
	if !res.Success || res.Meta.Account != "staging" {
		t.Errorf("default write: %+v %+v", res.Error, res.Meta)
	}
	res, _ = rt.CallAccount(ctx, "nope", "organizations_list", nil)
	if res.Success || !strings.Contains(res.Error.Message, "staging, prod") || res.Error.Setting.Name != "Account" {
		t.Errorf("unknown account: %+v", res.Error)
	}
}

// TestAccountNamesChecked checks the names New refuses.
func TestAccountNamesChecked(t *testing.T) {
	for _, name := range []string{"default", "paginate", "organizations_list", "bad name", "staging"} {
		_, err := runtime.New(&runtime.Options{Account: "staging", Isolation: runtime.IsolationInProcess,
			Accounts: map[string]runtime.Account{name: {APIKey: "sk_test_x"}}})
		if err == nil {
			t.Errorf("account %q was accepted", name)
		} else if strings.Contains(err.Error(), "sk_test_x") {
			t.Errorf("error names the key: %v", err)
		}
	}
	o := runtime.Options{Accounts: map[string]runtime.Account{"prod": {APIKey: "sk_live_secretsecret"}}}
	if s := fmt.Sprintf("%v %+v %#v", o, o, o); strings.Contains(s, "secretsecret") {
		t.Errorf("Options formatting leaks an account key: %s", s)
	}
}
