// Package examples holds agent-style Lua scripts; this test runs each one
// against the built-in emulator, the way `kosmo-lua run --emulate` does, and
// checks its result.
package examples

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

type env struct {
	t  *testing.T
	rt *runtime.Runtime
}

func newEnv(t *testing.T, opts runtime.Options) *env {
	t.Helper()
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	opts.APIKey = emulator.DefaultAPIKey
	opts.BaseURL = "http://emulator.local"
	opts.HTTPClient = &http.Client{Transport: em.Transport()}
	rt, err := runtime.New(&opts)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, rt: rt}
}

// run runs src (a file name under examples/ or inline Lua) and decodes its result.
func (e *env) run(src string, args any) (map[string]any, *runtime.Result) {
	e.t.Helper()
	name := "inline.lua"
	if strings.HasSuffix(src, ".lua") {
		data, err := os.ReadFile(src)
		if err != nil {
			e.t.Fatal(err)
		}
		name, src = filepath.Base(src), string(data)
	}
	res, err := e.rt.Run(context.Background(), runtime.Script{Name: name, Source: src, Args: args})
	if err != nil {
		e.t.Fatal(err)
	}
	if !res.OK {
		e.t.Fatalf("%s: %s: %+v", name, res.Outcome, res.Error)
	}
	var out map[string]any
	if err := json.Unmarshal(res.Result, &out); err != nil {
		e.t.Fatalf("%s: result %s: %v", name, res.Result, err)
	}
	return out, res
}

// get walks a decoded JSON value by keys and indexes ("a.b.0.c").
func get(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func expect(t *testing.T, out map[string]any, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got := get(out, path)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(w)
		if string(gj) != string(wj) {
			t.Errorf("%s = %s, want %s", path, gj, wj)
		}
	}
}

func TestOnboardOrganization(t *testing.T) {
	e := newEnv(t, runtime.Options{})
	args := map[string]any{"name": "Umbrella Corp", "domain": "umbrella.example", "admin_email": "ada@umbrella.example"}
	out, res := e.run("onboard_organization.lua", args)
	expect(t, out, map[string]any{
		"organization.name": "Umbrella Corp", "organization.created": true,
		"domains":          []string{"umbrella.example (verified)"},
		"invitation.email": "ada@umbrella.example", "invitation.state": "pending", "role": "billing-admin",
	})
	if !res.Effects {
		t.Error("onboarding created objects but effects is false")
	}
	// Re-running reuses everything: same organization, same invitation.
	again, _ := e.run("onboard_organization.lua", args)
	expect(t, again, map[string]any{
		"organization.created": false, "organization.id": get(out, "organization.id"), "invitation.id": get(out, "invitation.id"),
	})
}

func TestWhoCanAccess(t *testing.T) {
	e := newEnv(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	out, _ := e.run("who_can_access.lua", nil)
	expect(t, out, map[string]any{
		"count": 2, "resource.name": "Roadmap",
		"access.0.user": "alice@acme.com", "access.0.because": []string{"organization role admin"},
		"access.1.user": "bob@acme.com", "access.1.because": []string{"organization role member", "role workspace-editor on engineering"},
	})
}

func TestUsersByOrganization(t *testing.T) {
	e := newEnv(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	// Small pages force pagination across several requests.
	out, res := e.run("users_by_organization.lua", map[string]any{"page_size": 2})
	expect(t, out, map[string]any{
		"users": 5, "organizations": 3,
		"by_organization.Acme Corp": []string{"alice@acme.com", "bob@acme.com"},
		"by_organization.Globex":    []string{"carol@globex.com"},
		"without_organization":      []string{"erin@example.com"},
	})
	pages := 0
	for _, c := range res.Calls {
		if c.Function == "userland_users_list_0" {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("listed users in %d pages, want 3 pages of 2", pages)
	}
}

func TestFeatureFlagTargeting(t *testing.T) {
	e := newEnv(t, runtime.Options{})
	out, _ := e.run("feature_flag_targeting.lua", map[string]any{"flag": "beta-search", "domains": []string{"globex.com", "initech.com"}})
	expect(t, out, map[string]any{"flag": "beta-search", "enabled": true, "targeted": 2, "failures": []any{}})
	for _, o := range get(out, "now").([]any) {
		if get(o, "enabled") != true {
			t.Errorf("flag not on for %v", o)
		}
	}
}

func TestRotateOrgAPIKeys(t *testing.T) {
	e := newEnv(t, runtime.Options{})
	org := "org_01HGL0BEX000000000000000GX"
	e.run(`workos.organization_api_keys_create{organization_id = args.org, name = "old one"}
	       workos.organization_api_keys_create{organization_id = args.org, name = "old two"} return {done = true}`, map[string]any{"org": org})
	out, _ := e.run("rotate_org_api_keys.lua", map[string]any{"organization_id": org, "name": "fresh"})
	if n := len(get(out, "deleted").([]any)); n != 2 {
		t.Errorf("deleted %d keys, want 2", n)
	}
	if get(out, "new_key.value") != nil {
		t.Error("the new secret was returned without reveal = true")
	}
	left, _ := e.run(`return {keys = workos.list_all("organization_api_keys_list", {organization_id = args.org})}`, map[string]any{"org": org})
	expect(t, left, map[string]any{"keys.0.name": "fresh"})
	if n := len(get(left, "keys").([]any)); n != 1 {
		t.Errorf("%d keys remain, want only the new one", n)
	}
}

func TestExportAuditLogs(t *testing.T) {
	e := newEnv(t, runtime.Options{})
	out, _ := e.run("export_audit_logs.lua", map[string]any{"month": "2026-10"})
	expect(t, out, map[string]any{"state": "ready", "range": []string{"2026-10-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z"}})
	if u, _ := get(out, "url").(string); u == "" {
		t.Error("no download url")
	}
	bad, err := e.rt.Run(context.Background(), runtime.Script{Source: mustRead(t, "export_audit_logs.lua"), Args: map[string]any{"month": "October"}})
	if err != nil || bad.OK || !strings.Contains(bad.Error.Message, "month must look like 2026-10") {
		t.Errorf("a bad month gave %+v", bad.Error)
	}
}

func TestCleanupStaleInvitations(t *testing.T) {
	setup := `for _, email in ipairs(args.emails) do
	  workos.userland_user_invites_create{email = email, organization_id = "org_01HACME00000000000000000AC"}
	end return {done = true}`
	emails := []string{"old1@acme.com", "old2@acme.com"}

	e := newEnv(t, runtime.Options{})
	e.run(setup, map[string]any{"emails": emails})
	out, _ := e.run("cleanup_stale_invitations.lua", map[string]any{"older_than_days": 0})
	expect(t, out, map[string]any{"stale": 2, "revoked": emails})

	left, _ := e.run(`local n = 0 for i in workos.paginate("userland_user_invites_list", {}) do if i.state == "pending" then n = n + 1 end end return {pending = n}`, nil)
	expect(t, left, map[string]any{"pending": 0})

	// Nothing is stale with the default 30 days.
	fresh := newEnv(t, runtime.Options{})
	fresh.run(setup, map[string]any{"emails": emails})
	out, _ = fresh.run("cleanup_stale_invitations.lua", nil)
	expect(t, out, map[string]any{"stale": 0, "revoked": []any{}})
}

func TestCleanupDryRunChangesNothing(t *testing.T) {
	e := newEnv(t, runtime.Options{})
	e.run(`workos.userland_user_invites_create{email = "old@acme.com", organization_id = "org_01HACME00000000000000000AC"} return {done = true}`, nil)
	dry, err := runtime.New(&runtime.Options{APIKey: emulator.DefaultAPIKey, BaseURL: "http://emulator.local",
		HTTPClient: e.rt.Options().HTTPClient, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := dry.Run(context.Background(), runtime.Script{Source: mustRead(t, "cleanup_stale_invitations.lua"), Args: map[string]any{"older_than_days": 0}})
	if !res.OK || res.Effects {
		t.Fatalf("dry run: %+v", res)
	}
	for _, c := range res.Calls {
		if c.Function == "userland_user_invites_revoke" && !c.DryRun {
			t.Errorf("a revocation was sent during a dry run: %+v", c)
		}
	}
	out, _ := e.run(`local n = 0 for i in workos.paginate("userland_user_invites_list", {}) do if i.state == "pending" then n = n + 1 end end return {pending = n}`, nil)
	expect(t, out, map[string]any{"pending": 1})
}

func TestSSODirectoryHealth(t *testing.T) {
	e := newEnv(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	out, _ := e.run("sso_directory_health.lua", nil)
	expect(t, out, map[string]any{
		"healthy": true, "connections.0.state": "active", "directories.0.users": 2, "directories.0.groups": 1,
		"unverified_domains": []string{"Acme Corp: acme.io", "Initech: initech.com"},
	})
}

// TestEveryExampleIsTested keeps this file in step with the scripts.
func TestEveryExampleIsTested(t *testing.T) {
	files, _ := filepath.Glob("*.lua")
	src := mustRead(t, "examples_test.go")
	if len(files) < 8 {
		t.Errorf("%d example scripts, want at least 8", len(files))
	}
	for _, f := range files {
		if !strings.Contains(src, `"`+f+`"`) {
			t.Errorf("%s is not run by a test", f)
		}
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
