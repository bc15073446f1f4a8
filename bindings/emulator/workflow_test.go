package emulator

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// newClient returns a workos executor talking to e in process (no socket).
func newClient(t testing.TB, e *Emulator, opts *api.Options) *api.Client {
	t.Helper()
	o := api.Options{}
	if opts != nil {
		o = *opts
	}
	o.APIKey = DefaultAPIKey
	if o.BaseURL == "" {
		o.BaseURL = "http://emulator.local"
		o.HTTPClient = &http.Client{Transport: e.Transport()}
	}
	c, err := api.NewClient(&o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// luaState loads json and the real workos module over c.
func luaState(t testing.TB, c *api.Client, calls *atomic.Int64) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	luajson.Preload(L)
	m := &workos.Module{Client: c}
	if calls != nil {
		m.Observe = func(api.CallRecord) { calls.Add(1) }
	}
	m.Preload(L)
	return L
}

// runLua runs script and returns its first result as a Go string.
func runLua(t testing.TB, L *lua.LState, script string) string {
	t.Helper()
	if err := L.DoString(script); err != nil {
		t.Fatalf("script failed: %v\n%s", err, script)
	}
	v := L.Get(-1)
	L.Pop(1)
	return v.String()
}

// objs returns copies of the stored objects of kind matching pred.
func objs(e *Emulator, kind string, pred func(Object) bool) []Object {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []Object
	for _, o := range e.store.filter(kind, pred) {
		out = append(out, clone(o).(map[string]any))
	}
	return out
}

func one(t *testing.T, e *Emulator, kind string, pred func(Object) bool) Object {
	t.Helper()
	got := objs(e, kind, pred)
	if len(got) != 1 {
		t.Fatalf("want exactly one %s, have %d", kind, len(got))
	}
	return got[0]
}

func TestWorkflowOnboarding(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	L := luaState(t, newClient(t, e, nil), &calls)

	// 1. Onboard an organization with a (pending) domain, then verify it.
	orgID := runLua(t, L, `
		local org = workos.organizations_create{name = "Umbrella", domain_data = {{domain = "umbrella.com", state = "pending"}}}
		assert(org.object == "organization" and #org.domains == 1 and org.domains[1].state == "pending")
		local d = workos.organization_domains_verify{id = org.domains[1].id}
		assert(d.state == "verified")
		ORG = org.id
		return org.id`)
	org := one(t, e, "organizations", where("id", orgID))
	if org["name"] != "Umbrella" {
		t.Errorf("org name %v", org["name"])
	}
	dom := one(t, e, "organization_domains", where("organization_id", orgID))
	if diff := cmp.Diff([]any{"umbrella.com", "verified"}, []any{dom["domain"], dom["state"]}); diff != "" {
		t.Errorf("domain mismatch (-want +got):\n%s", diff)
	}
	// A duplicate domain is a 409 with WorkOS's code.
	got := runLua(t, L, `
		local ok, err = pcall(workos.organizations_create, {name = "Copycat", domains = {"umbrella.com"}})
		assert(not ok)
		return err.status .. " " .. err.code`)
	if got != "409 domain_already_exists" {
		t.Errorf("duplicate domain: got %q", got)
	}

	// 2. Invite an admin.
	invID := runLua(t, L, `
		local inv = workos.userland_user_invites_create{email = "admin@umbrella.com", organization_id = ORG, role_slug = "admin"}
		assert(inv.state == "pending" and inv.token ~= nil)
		local same = workos.userland_user_invites_get_by_token{token = inv.token}
		assert(same.id == inv.id)
		INV = inv.id
		return inv.id`)
	if inv := one(t, e, "invitations", where("id", invID)); inv["state"] != "pending" || inv["role_slug"] != "admin" {
		t.Errorf("invitation %v", inv)
	}

	// 3. Accept it: the user and an admin membership appear.
	runLua(t, L, `
		local inv = workos.userland_user_invites_accept{id = INV}
		assert(inv.state == "accepted", inv.state)
		local users = workos.userland_users_list_0{email = "admin@umbrella.com"}
		assert(#users.data == 1)
		ADMIN = users.data[1].id
		local ms = workos.userland_user_organization_memberships_list{organization_id = ORG}
		assert(#ms.data == 1 and ms.data[1].role.slug == "admin", "admin membership")
		ADMIN_OM = ms.data[1].id
		return ADMIN`)
	admin := one(t, e, "users", where("email", "admin@umbrella.com"))
	om := one(t, e, "organization_memberships", where("user_id", str(admin["id"]), "organization_id", orgID))
	if diff := cmp.Diff([]any{"active", []any{"admin"}}, []any{om["status"], om["_roles"]}); diff != "" {
		t.Errorf("membership mismatch (-want +got):\n%s", diff)
	}
	if inv := one(t, e, "invitations", where("id", invID)); inv["state"] != "accepted" || inv["accepted_user_id"] != admin["id"] {
		t.Errorf("invitation after accept %v", inv)
	}

	// 4. Assign roles: a member gets workspace-editor on a workspace.
	runLua(t, L, `
		local u = workos.userland_users_create_0{email = "dev@umbrella.com", first_name = "Dev", password = "Sup3r-secret!"}
		local m = workos.userland_user_organization_memberships_create{user_id = u.id, organization_id = ORG}
		assert(m.role.slug == "member")
		DEV_OM = m.id
		local ws = workos.authorization_resources_create{organization_id = ORG, resource_type_slug = "workspace", external_id = "research", name = "Research"}
		local proj = workos.authorization_resources_create{organization_id = ORG, resource_type_slug = "project", external_id = "vaccine", name = "Vaccine", parent_resource_id = ws.id}
		WS, PROJ = ws.id, proj.id
		local ra = workos.authorization_role_assignments_assign_role{organization_membership_id = DEV_OM, role_slug = "workspace-editor", resource_id = ws.id}
		assert(ra.role.slug == "workspace-editor" and ra.resource.id == ws.id)
		return ra.id`)
	ra := one(t, e, "role_assignments", func(o Object) bool {
		return str(o["_role_slug"]) == "workspace-editor" && strings.HasPrefix(str(o["_resource_id"]), "authz_resource_") && str(o["_organization_id"]) == orgID
	})
	if ra["organization_membership_id"] == nil {
		t.Errorf("role assignment %v", ra)
	}

	// 5. Check permissions, computed from the stored graph (inheritance included).
	got = runLua(t, L, `
		local function check(om, perm, res) return workos.authorization_check{organization_membership_id = om, permission_slug = perm, resource_id = res}.authorized end
		local r = {
			check(DEV_OM, "workspaces:write", WS),   -- direct assignment
			check(DEV_OM, "projects:write", PROJ),   -- inherited from the parent workspace
			check(DEV_OM, "billing:manage", WS),     -- member role lacks it
			check(ADMIN_OM, "billing:manage", WS),   -- admin role applies org-wide
		}
		local perms = workos.list_all("authorization_list_effective_permissions", {organization_membership_id = DEV_OM, resource_id = PROJ})
		local res = workos.authorization_list_resources_for_membership{organization_membership_id = DEV_OM, permission_slug = "projects:write", parent_resource_id = WS}
		local members = workos.authorization_resources_list_organization_memberships_for_resource{resource_id = PROJ, permission_slug = "projects:write"}
		return string.format("%s %s %s %s perms=%d res=%d members=%d", tostring(r[1]), tostring(r[2]), tostring(r[3]), tostring(r[4]), #perms, #res.data, #members.data)`)
	if got != "true true false true perms=5 res=1 members=2" {
		t.Errorf("permission checks: got %q", got)
	}

	// 6. Page through 250 users.
	before := calls.Load()
	got = runLua(t, L, `
		local items = {}
		for i = 1, 250 do
			items[i] = {"userland_users_create_0", {email = string.format("user%03d@umbrella.com", i)}}
		end
		local results = workos.batch(items)
		local n, pages, seen = 0, 0, {}
		for u in workos.paginate("userland_users_list_0", {limit = 100, order = "asc"}) do
			if u.email:match("^user%d+@umbrella.com$") then n = n + 1 end
			assert(not seen[u.id], "duplicate " .. u.id); seen[u.id] = true
		end
		return tostring(n)`)
	if got != "250" {
		t.Errorf("paged %s of 250 users", got)
	}
	total := len(objs(e, "users", nil))
	if want := 5 + 2 + 250; total != want {
		t.Errorf("store has %d users, want %d", total, want)
	}
	// 250 creates + ceil(257/100) = 3 list pages.
	if n := calls.Load() - before; n != 253 {
		t.Errorf("%d calls, want 250 creates and 3 pages", n)
	}

	// 7. Sign in twice, then revoke every session; the refresh token stops working.
	got = runLua(t, L, `
		local a = {}
		for i = 1, 2 do
			a[i] = workos.userland_sessions_authenticate_0{client_id = "client_emulator", client_secret = "`+DefaultAPIKey+`",
				grant_type = "password", email = "dev@umbrella.com", password = "Sup3r-secret!"}
		end
		assert(a[1].organization_id == ORG and a[1].access_token:match("^ey"))
		local uid = a[1].user.id
		local sessions = workos.userland_user_sessions_list{id = uid}
		assert(#sessions.data == 2, "two sessions")
		for _, s in ipairs(sessions.data) do workos.userland_sessions_revoke_session{session_id = s.id} end
		local ok, err = pcall(workos.userland_sessions_authenticate_0, {client_id = "client_emulator", client_secret = "`+DefaultAPIKey+`",
			grant_type = "refresh_token", refresh_token = a[1].refresh_token})
		return tostring(ok) .. " " .. tostring(err.status)`)
	if got != "false 400" {
		t.Errorf("refresh after revoke: %q", got)
	}
	dev := one(t, e, "users", where("email", "dev@umbrella.com"))
	sessions := objs(e, "sessions", where("user_id", str(dev["id"])))
	if len(sessions) != 2 {
		t.Fatalf("%d sessions", len(sessions))
	}
	for _, s := range sessions {
		if s["status"] != "revoked" || s["ended_at"] == nil {
			t.Errorf("session not revoked: %v", s)
		}
	}
	// Every mutation left an event.
	if n := len(objs(e, "events", where("event", "session.revoked"))); n != 2 {
		t.Errorf("%d session.revoked events", n)
	}
}

// TestRetriesThroughExecutor injects 503s, a 429 with Retry-After and a lost
// response: reads succeed, and a POST with an idempotency key creates one object.
func TestRetriesThroughExecutor(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := e.Start(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for name, c := range map[string]*api.Client{
		"in-process": newClient(t, e, &api.Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}),
		"loopback":   newClient(t, e, &api.Options{BaseURL: srv.URL, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}),
	} {
		t.Run(name, func(t *testing.T) {
			if err := e.Reset(); err != nil {
				t.Fatal(err)
			}
			hook := func(body string) {
				if code, out, _ := do(t, e, "POST", "/_emulate/hooks", body); code != 201 {
					t.Fatalf("hook: %d %s", code, out)
				}
			}
			hook(`{"method":"GET","path":"/organizations/` + acmeID + `","status":503,"times":2}`)
			hook(`{"method":"GET","path":"/organizations/` + acmeID + `","status":429,"headers":{"Retry-After":"1"},"times":1}`)
			cat := e.cat
			op, _ := cat.Lookup("organizations_find")
			start := time.Now()
			res, err := c.Do(context.Background(), op, map[string]any{"id": acmeID})
			if err != nil {
				t.Fatalf("read after 503, 503, 429: %v", err)
			}
			if res.Status != 200 {
				t.Errorf("status %d", res.Status)
			}
			if d := time.Since(start); d < 900*time.Millisecond {
				t.Errorf("Retry-After: 1 was not honoured (took %v)", d)
			}
			// The POST is served, then its response is lost; the retry carries the
			// same idempotency key and gets the first answer replayed.
			hook(`{"method":"POST","path":"/organizations","fault":"reset_after","times":1}`)
			hook(`{"method":"POST","path":"/organizations","status":503,"times":1}`)
			create, _ := cat.Lookup("organizations_create")
			res, err = c.Do(context.Background(), create, map[string]any{"name": "Retry Co", "idempotency_key": "idem-retry-1"})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if n := len(objs(e, "organizations", where("name", "Retry Co"))); n != 1 {
				t.Errorf("%d organizations created, want exactly 1", n)
			}
			// Replaying the key once more still creates nothing.
			res2, err := c.Do(context.Background(), create, map[string]any{"name": "Retry Co", "idempotency_key": "idem-retry-1"})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(res.Body), string(res2.Body)); diff != "" {
				t.Errorf("replay differs (-first +replay):\n%s", diff)
			}
			if n := len(objs(e, "organizations", where("name", "Retry Co"))); n != 1 {
				t.Errorf("%d organizations after replay, want 1", n)
			}
			// A retry that rebuilt its body (the spec: the first response still).
			res3, err := c.Do(context.Background(), create, map[string]any{"name": "Other", "idempotency_key": "idem-retry-1"})
			if err != nil || string(res3.Body) != string(res.Body) {
				t.Errorf("same key, different body: %v, want the first response replayed", err)
			}
		})
	}
}
