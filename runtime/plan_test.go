package runtime_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// methodCounter counts the requests that reach the emulator, by method.
type methodCounter struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    map[string]int
}

func (m *methodCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	m.mu.Lock()
	if m.n == nil {
		m.n = map[string]int{}
	}
	m.n[r.Method]++
	m.mu.Unlock()
	return m.next.RoundTrip(r)
}

func (m *methodCounter) writes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n[http.MethodPost] + m.n[http.MethodPut] + m.n[http.MethodPatch] + m.n[http.MethodDelete]
}

// planRuntime is a runtime on a fresh emulator with a plan key, and the
// emulator's request counter.
func planRuntime(t *testing.T, o runtime.Options) (*runtime.Runtime, *methodCounter) {
	t.Helper()
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	mc := &methodCounter{next: em.Transport()}
	o.APIKey, o.BaseURL, o.HTTPClient = testKey, "http://emulator.local", &http.Client{Transport: mc}
	if o.PlanKey == nil {
		o.PlanKey = []byte("0123456789abcdef0123456789abcdef")
	}
	rt, err := runtime.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt, mc
}

func onboardScript(t *testing.T) runtime.Script {
	t.Helper()
	src, err := os.ReadFile("../examples/onboard_organization.lua")
	if err != nil {
		t.Fatal(err)
	}
	return runtime.Script{Name: "onboard_organization.lua", Source: string(src),
		Args: map[string]any{"name": "Umbrella Corp", "domain": "umbrella.example", "admin_email": "ada@umbrella.example"}}
}

type planStep struct {
	Function string
	Creates  []string
	Uses     []string
}

func stepsOf(p *runtime.Plan) []planStep {
	var out []planStep
	for _, w := range p.Writes {
		s := planStep{Function: w.Function, Uses: w.Uses}
		for _, c := range w.Creates {
			if c.Path == "id" {
				s.Creates = append(s.Creates, c.ID)
			}
		}
		out = append(out, s)
	}
	return out
}

func TestPlanOnboardOrganization(t *testing.T) {
	rt, mc := planRuntime(t, runtime.Options{})
	ctx := context.Background()
	s := onboardScript(t)
	res, err := rt.Plan(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.Plan == nil {
		t.Fatalf("plan run: ok=%v error=%+v", res.OK, res.Error)
	}
	if mc.writes() != 0 {
		t.Fatalf("plan mode sent %d writes to the emulator", mc.writes())
	}
	want := []planStep{
		{Function: "organizations_create", Creates: []string{"org_plan_1"}},
		{Function: "userland_user_invites_create", Creates: []string{"invitation_plan_1"}, Uses: []string{"org_plan_1"}},
		{Function: "authorization_organization_roles_create", Creates: []string{"role_plan_1"}, Uses: []string{"org_plan_1"}},
		// The PUT answers with the role; its id is a placeholder too.
		{Function: "authorization_organization_role_permissions_set_permissions", Creates: []string{"role_plan_2"}, Uses: []string{"org_plan_1"}},
	}
	if diff := cmp.Diff(want, stepsOf(res.Plan)); diff != "" {
		t.Errorf("plan steps (-want +got):\n%s\nplan: %s", diff, mustJSON(t, res.Plan))
	}
	if got := res.Plan.Writes[0].Summary; !strings.Contains(got, `"Umbrella Corp"`) || !strings.Contains(got, "umbrella.example") {
		t.Errorf("summary %q does not name the organization and its domain", got)
	}
	var out struct {
		Organization struct{ ID, Name string }
	}
	if err := json.Unmarshal(res.Result, &out); err != nil || out.Organization.ID != "org_plan_1" || out.Organization.Name != "Umbrella Corp" {
		t.Errorf("the script's result = %s, want the planned organization echoed", res.Result)
	}

	// Nothing was created.
	check := run(t, rt, `return #workos.organizations_list{domains = {"umbrella.example"}}.data`, nil)
	if string(check.Result) != "0" {
		t.Fatalf("after planning, organizations with the domain = %s, want 0", check.Result)
	}

	// Applying creates exactly the planned objects.
	before := mc.writes()
	app, err := rt.Apply(ctx, res.Plan, s)
	if err != nil {
		t.Fatal(err)
	}
	if !app.OK || app.Apply == nil || app.Apply.Applied != 4 || len(app.Apply.Unapplied) != 0 {
		t.Fatalf("apply: ok=%v error=%+v apply=%s", app.OK, app.Error, mustJSON(t, app.Apply))
	}
	if n := mc.writes() - before; n != 4 {
		t.Errorf("apply sent %d writes, want 4", n)
	}
	if id := app.Apply.Bindings["org_plan_1"]; !strings.HasPrefix(id, "org_") || strings.Contains(id, "plan") {
		t.Errorf("org_plan_1 bound to %q, want a real organization id", id)
	}
	if got, want := app.Calls[1].IdempotencyKey, res.Plan.Writes[0].IdempotencyKey; app.Calls[1].Function != "organizations_create" || got != want {
		t.Errorf("organizations_create sent idempotency key %q, want the plan's %q", got, want)
	}
	for _, c := range app.Calls {
		if c.Method == http.MethodPost && c.Access != "read" && c.IdempotencyKey == "" {
			t.Errorf("%s was sent without an idempotency key", c.Function)
		}
	}
	check = run(t, rt, `return #workos.organizations_list{domains = {"umbrella.example"}}.data`, nil)
	if string(check.Result) != "1" {
		t.Errorf("after applying, organizations with the domain = %s, want 1", check.Result)
	}
}

func TestApplyRefusesAnEditedScript(t *testing.T) {
	rt, mc := planRuntime(t, runtime.Options{})
	ctx := context.Background()
	s := onboardScript(t)
	res, err := rt.Plan(ctx, s, nil)
	if err != nil || res.Plan == nil {
		t.Fatalf("plan: %v %+v", err, res.Error)
	}
	edited := s
	edited.Source = strings.Replace(s.Source, `role_slug = "admin"`, `role_slug = "owner"`, 1)
	app, err := rt.Apply(ctx, res.Plan, edited)
	if err != nil {
		t.Fatal(err)
	}
	if app.OK || app.Outcome != runtime.OutcomeDenied || !strings.Contains(app.Error.Message, "changed since it was planned") {
		t.Fatalf("apply of an edited script: ok=%v outcome=%s error=%+v", app.OK, app.Outcome, app.Error)
	}
	if mc.writes() != 0 {
		t.Errorf("an edited script's apply sent %d writes", mc.writes())
	}
	// Another key (same plan key, same base URL) is another account.
	other, err := runtime.New(&runtime.Options{APIKey: "sk_test_another_key", BaseURL: "http://emulator.local",
		HTTPClient: &http.Client{Transport: mc}, PlanKey: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	app, _ = other.Apply(ctx, res.Plan, s)
	if app.OK || !strings.Contains(app.Error.Message, "planned for account") {
		t.Errorf("apply with another key: %+v", app.Error)
	}
	if strings.Contains(mustJSON(t, res.Plan), testKey) {
		t.Error("the plan holds the API key")
	}
	if mc.writes() != 0 {
		t.Errorf("refused applies sent %d writes", mc.writes())
	}
}

func TestApplyStopsAtADivergence(t *testing.T) {
	rt, mc := planRuntime(t, runtime.Options{})
	ctx := context.Background()
	// The second write depends on a read, which changes between plan and apply.
	s := runtime.Script{Source: `local n = #workos.organizations_list{limit = 100}.data
workos.organizations_create{name = "A"}
workos.organizations_create{name = "org-" .. n}
return "done"`}
	res, err := rt.Plan(ctx, s, nil)
	if err != nil || res.Plan == nil {
		t.Fatalf("plan: %v %+v", err, res.Error)
	}
	// Tampering with the plan breaks its signature.
	tampered := *res.Plan
	tampered.Writes = append([]runtime.PlannedWrite(nil), res.Plan.Writes...)
	tampered.Writes[1].Arguments = json.RawMessage(`{"name":"C"}`)
	app, _ := rt.Apply(ctx, &tampered, runtime.Script{})
	if app.OK || !strings.Contains(app.Error.Message, "signature does not verify") {
		t.Fatalf("tampered plan: %+v", app.Error)
	}
	run(t, rt, `workos.organizations_create{name = "meanwhile"}`, nil)
	before := mc.writes()
	app, err = rt.Apply(ctx, res.Plan, s)
	if err != nil {
		t.Fatal(err)
	}
	if app.OK || app.Outcome != runtime.OutcomeDenied || app.Apply.Divergence == nil || app.Apply.Divergence.Step != 2 {
		t.Fatalf("apply of a diverging run: ok=%v outcome=%s apply=%s error=%+v", app.OK, app.Outcome, mustJSON(t, app.Apply), app.Error)
	}
	if n := mc.writes() - before; n != 1 {
		t.Errorf("the diverging apply sent %d writes, want 1 (step 1 only)", n)
	}
	if !strings.Contains(app.Error.Message, "step 2") {
		t.Errorf("error %q does not name the step", app.Error.Message)
	}
}

func TestPlanExpires(t *testing.T) {
	rt, mc := planRuntime(t, runtime.Options{PlanTTL: time.Second})
	ctx := context.Background()
	res, err := rt.Plan(ctx, runtime.Script{Source: `return workos.organizations_create{name = "A"}.id`}, nil)
	if err != nil || res.Plan == nil {
		t.Fatalf("plan: %v %+v", err, res.Error)
	}
	if string(res.Result) != `"org_plan_1"` {
		t.Errorf("planned id = %s", res.Result)
	}
	time.Sleep(1100 * time.Millisecond)
	app, _ := rt.Apply(ctx, res.Plan, runtime.Script{})
	if app.OK || !strings.Contains(app.Error.Message, "expired") {
		t.Fatalf("expired plan: %+v", app.Error)
	}
	if mc.writes() != 0 {
		t.Errorf("an expired plan sent %d writes", mc.writes())
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPlanAndApplyBatchedWrites(t *testing.T) {
	rt, mc := planRuntime(t, runtime.Options{})
	ctx := context.Background()
	s := runtime.Script{Source: `local org = workos.organizations_create{name = "Batch Org"}
local rs = workos.batch({
  {"authorization_organization_roles_create", {organization_id = org.id, slug = "a", name = "A"}},
  {"authorization_organization_roles_create", {organization_id = org.id, slug = "b", name = "B"}},
  {"authorization_organization_roles_create", {organization_id = org.id, slug = "c", name = "C"}},
})
local n = 0
for _, r in ipairs(rs) do if r.ok then n = n + 1 end end
return n`}
	res, err := rt.Plan(ctx, s, nil)
	if err != nil || res.Plan == nil || string(res.Result) != "3" {
		t.Fatalf("plan: %v %s %+v", err, res.Result, res.Error)
	}
	for _, w := range res.Plan.Writes[1:] {
		if !w.Batch || len(w.Uses) != 1 || w.Uses[0] != "org_plan_1" {
			t.Errorf("batched write %+v: want batch, using org_plan_1", w)
		}
	}
	app, err := rt.Apply(ctx, res.Plan, s)
	if err != nil || !app.OK || string(app.Result) != "3" || app.Apply.Applied != 4 {
		t.Fatalf("apply: %v %s %+v %s", err, app.Result, app.Error, mustJSON(t, app.Apply))
	}
	if mc.writes() != 4 {
		t.Errorf("apply sent %d writes, want 4", mc.writes())
	}
}
