package emulator

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSeedFileErrors: a seed that does not match the schema fails with every
// problem's path and, for unknown keys, the allowed keys; never a Go type.
func TestSeedFileErrors(t *testing.T) {
	for _, c := range []struct {
		name, seed string
		want       []string
	}{
		{"unknown nested key", "organizations:\n  - {name: X, bogus: 1}\n",
			[]string{"organizations[0].bogus: unknown key; allowed keys: allow_profiles_outside_organization, domain_data, domains, external_id, id, metadata, name"}},
		{"misspelt required key", "organizations: [{nam: X}]\n",
			[]string{"organizations[0].nam: unknown key; allowed keys: ", "organizations[0].name: required key is missing"}},
		{"unknown top-level key", "organisations: []\n",
			[]string{"organisations: unknown key; allowed keys: connections, directories, directory_groups, directory_users, errorHooks, feature_flags, groups, organization_memberships, organization_roles, organizations, permissions, resource_types, resources, role_assignments, roles, users"}},
		{"deeper key", "organizations:\n  - name: X\n    domain_data: [{domain: x.com, state: verified, primary: true}]\n",
			[]string{"organizations[0].domain_data[0].primary: unknown key; allowed keys: domain, state"}},
		{"wrong type", `{"users": [{"email": 42}]}`, []string{"users[0].email: got number, want string"}},
		{"enum", "organizations:\n  - name: X\n    domain_data: [{domain: x.com, state: done}]\n", []string{"organizations[0].domain_data[0].state: value must be one of 'verified', 'pending'"}},
		{"hook", "errorHooks:\n  - {path: /x, status: 500, rateLimit: {maxRequests: 1, windowMs: 10, burst: 2}}\n",
			[]string{"errorHooks[0].rateLimit.burst: unknown key; allowed keys: maxRequests, windowMs"}},
		{"not a list", "users: {email: a@b.co}\n", []string{"users: got object, want array"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "seed.yaml")
			if err := os.WriteFile(path, []byte(c.seed), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadSeed(path)
			var se *SeedError
			if !errors.As(err, &se) {
				t.Fatalf("LoadSeed = %v, want a *SeedError", err)
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			if !strings.Contains(msg, path) {
				t.Errorf("error does not name the file:\n%s", msg)
			}
			for _, goish := range []string{"Seed type", "Go struct", "map[", "interface", "[]emulator"} {
				if strings.Contains(msg, goish) {
					t.Errorf("error mentions %q:\n%s", goish, msg)
				}
			}
			if _, err := New(&Options{SeedFile: path}); err == nil || !strings.Contains(err.Error(), c.want[0]) {
				t.Errorf("New with the seed file: %v", err)
			}
		})
	}
}

func TestSeedFileAccepted(t *testing.T) {
	data, err := os.ReadFile("default_seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSeed(data)
	if err != nil {
		t.Fatalf("default_seed.yaml: %v", err)
	}
	if len(s.Organizations) != 3 || len(s.ErrorHooks) != 0 {
		t.Errorf("parsed %d organizations", len(s.Organizations))
	}
	for _, ok := range []string{"", "# nothing\n", "{}", `{"organizations":[{"name":"J","metadata":{"any":"key"}}],"errorHooks":[{"path":"/x","status":503,"count":2}]}`} {
		if _, err := ParseSeed([]byte(ok)); err != nil {
			t.Errorf("ParseSeed(%q): %v", ok, err)
		}
	}
	if _, err := ParseSeed([]byte("organizations: [")); err == nil || !strings.Contains(err.Error(), "neither JSON nor YAML") {
		t.Errorf("broken YAML: %v", err)
	}
}

// TestSeedTimestampsOrdered: seeded objects get distinct created_at values in
// seed order, all before the clock's now, and updated_at equal to created_at.
func TestSeedTimestampsOrdered(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	e := newTest(t, &Options{Clock: func() time.Time { return now }})
	var prev string
	seen := map[string]bool{}
	for _, kind := range []string{"organizations", "users", "permissions", "roles", "organization_memberships", "feature_flags", "directory_users", "connections"} {
		for _, o := range objs(e, kind, nil) {
			c, u := str(o["created_at"]), str(o["updated_at"])
			if c == "" || seen[c] || c <= prev || c >= ts(now) || (u != c && kind != "roles") {
				t.Errorf("%s %s: created_at %q updated_at %q after %q (now %s)", kind, o["id"], c, u, prev, ts(now))
			}
			seen[c], prev = true, c
		}
	}
}
