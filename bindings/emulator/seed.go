package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// Seed is the emulator's initial data, loaded from JSON or YAML. Each list holds
// objects in WorkOS's JSON shape; "id" may be given to fix an object's id (otherwise
// one is generated). Objects the API can create go through the same code as the
// API (so they are validated the same way); resource types, feature flags,
// directories (with their users and groups) and SSO connections can only be seeded.
type Seed struct {
	// Organizations: name, external_id, metadata, domains (strings, verified) or
	// domain_data ([{domain, state}]).
	Organizations []Object `json:"organizations,omitempty"`
	// Users: email, first_name, last_name, email_verified, external_id, metadata and
	// password (stored hashed; usable with the password grant).
	Users []Object `json:"users,omitempty"`
	// Permissions: slug, name, description, resource_type_slug.
	Permissions []Object `json:"permissions,omitempty"`
	// ResourceTypes: slug, name, parent (the slug of the parent type). The
	// "organization" type always exists.
	ResourceTypes []Object `json:"resource_types,omitempty"`
	// Roles are environment roles: slug, name, description, resource_type_slug,
	// permissions (slugs).
	Roles []Object `json:"roles,omitempty"`
	// OrganizationRoles: organization_id plus the Roles fields.
	OrganizationRoles []Object `json:"organization_roles,omitempty"`
	// OrganizationMemberships: user_id, organization_id, role_slug or role_slugs, status.
	OrganizationMemberships []Object `json:"organization_memberships,omitempty"`
	// Resources are authorization resources: organization_id, resource_type_slug,
	// external_id, name, description, parent_resource_id or
	// parent_resource_external_id + parent_resource_type_slug.
	Resources []Object `json:"resources,omitempty"`
	// RoleAssignments: organization_membership_id, role_slug and resource_id or
	// resource_external_id + resource_type_slug.
	RoleAssignments []Object `json:"role_assignments,omitempty"`
	// Groups: organization_id, name, description, members (membership ids).
	Groups []Object `json:"groups,omitempty"`
	// FeatureFlags: slug, name, description, enabled, default_value, tags, targets
	// (organization and user ids the flag is on for).
	FeatureFlags []Object `json:"feature_flags,omitempty"`
	// Directories: name, organization_id, domain, type, state.
	Directories []Object `json:"directories,omitempty"`
	// DirectoryUsers: directory_id, email, first_name, last_name, state, groups (directory group ids).
	DirectoryUsers []Object `json:"directory_users,omitempty"`
	// DirectoryGroups: directory_id, name.
	DirectoryGroups []Object `json:"directory_groups,omitempty"`
	// Connections are SSO connections: name, organization_id, connection_type, state, domains.
	Connections []Object `json:"connections,omitempty"`
	// ErrorHooks are installed at start and after every reset (workos/emulate's
	// seed key errorHooks).
	ErrorHooks []Hook `json:"errorHooks,omitempty"`
}

//go:generate go run ./internal/genseed -in default_seed.yaml -out default_seed_gen.go

// DefaultSeed returns the built-in seed described in the package documentation and
// README.md (default_seed.yaml, generated into Go values so that no YAML is
// parsed at start). Each call returns a fresh copy.
func DefaultSeed() *Seed {
	return defaultSeedValues()
}

// ParseSeed parses a JSON or YAML seed and validates it against [SeedSchema]: an
// unknown key, a missing required key or a value of the wrong type is a
// *[SeedError] naming each one's path. An empty document is an empty seed.
func ParseSeed(data []byte) (*Seed, error) {
	s, err := parseSeed(data)
	var se *SeedError
	if err != nil && !errors.As(err, &se) {
		return nil, fmt.Errorf("emulator: seed: %w", err)
	}
	return s, err
}

// LoadSeed reads a JSON or YAML seed file (see [ParseSeed]).
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("emulator: read seed file: %w", err)
	}
	s, err := parseSeed(data)
	var se *SeedError
	switch {
	case errors.As(err, &se):
		se.File = path
		return nil, se
	case err != nil:
		return nil, fmt.Errorf("emulator: seed file %s: %w", path, err)
	}
	return s, nil
}

func parseSeed(data []byte) (*Seed, error) {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("neither JSON nor YAML: %w", err)
	}
	doc, err := decodeSeedJSON(js)
	if err != nil {
		return nil, fmt.Errorf("does not decode: %w", err)
	}
	var s Seed
	if doc == nil {
		return &s, nil
	}
	if err := validateSeedDoc(doc); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(js, &s); err != nil {
		return nil, fmt.Errorf("matches the seed schema but does not load (%v); please report this", err)
	}
	return &s, nil
}

// seedOp runs an operation's handler on st as part of seeding.
func (e *Emulator) seedOp(st *store, now time.Time, opName string, pp map[string]string, body Object) (Object, error) {
	op, err := e.cat.Lookup(opName)
	if err != nil {
		return nil, err
	}
	c := &call{emu: e, store: st, op: op, pathParams: pp, query: url.Values{}, body: clone(body).(map[string]any), now: now.UTC(), seeding: true}
	h := e.handlerFor(opName)
	if h == nil {
		return nil, fmt.Errorf("emulator: no handler for %s", opName)
	}
	out, err := h(c)
	if err != nil {
		return nil, errors.New(asAPIError(opName, err).message)
	}
	m, _ := out.(map[string]any)
	return m, nil
}

// seedSteps bounds the number of timestamps applySeed hands out: two per object.
func seedSteps(s *Seed) int {
	n := 1
	for _, l := range [][]Object{s.Organizations, s.Users, s.Permissions, s.ResourceTypes, s.Roles, s.OrganizationRoles,
		s.OrganizationMemberships, s.Resources, s.RoleAssignments, s.Groups, s.FeatureFlags, s.Directories,
		s.DirectoryUsers, s.DirectoryGroups, s.Connections} {
		n += len(l)
	}
	for _, g := range s.Groups {
		n += len(strs(g["members"]))
	}
	return 2 * n
}

// applySeed creates the seed's objects in order. Each gets its own time, a
// millisecond after the one before and ending before the clock's now, so
// created_at, updated_at and generated ids are distinct and sort in seed order.
func (e *Emulator) applySeed(st *store, s *Seed) error {
	step := 0
	base := e.clock().Add(-time.Duration(seedSteps(s)+1) * time.Millisecond)
	next := func() time.Time { step++; return base.Add(time.Duration(step) * time.Millisecond) }
	now := ts(next())
	fail := func(list string, i int, err error) error {
		return fmt.Errorf("emulator: seed %s[%d]: %w", list, i, err)
	}
	st.put("resource_types", Object{"object": "resource_type", "id": "organization", "slug": "organization", "name": "Organization", "parent": nil, "created_at": now})
	for i, rt := range s.ResourceTypes {
		o := clone(rt).(map[string]any)
		if str(o["slug"]) == "" {
			return fail("resource_types", i, fmt.Errorf("slug is required"))
		}
		o["object"], o["id"], o["created_at"] = "resource_type", o["slug"], ts(next())
		if o["parent"] == nil {
			o["parent"] = "organization"
		}
		st.put("resource_types", o)
	}
	steps := []struct {
		list string
		op   string
		objs []Object
		pp   func(Object) map[string]string
	}{
		{"organizations", "organizations_create", s.Organizations, nil},
		{"users", "userland_users_create_0", s.Users, nil},
		{"permissions", "authorization_permissions_create", s.Permissions, nil},
		{"roles", "authorization_roles_create", s.Roles, nil},
		{"organization_roles", "authorization_organization_roles_create", s.OrganizationRoles, func(o Object) map[string]string {
			return map[string]string{"organizationId": str(o["organization_id"])}
		}},
		{"organization_memberships", "userland_user_organization_memberships_create", s.OrganizationMemberships, nil},
		{"resources", "authorization_resources_create", s.Resources, nil},
		{"role_assignments", "authorization_role_assignments_assign_role", s.RoleAssignments, func(o Object) map[string]string {
			return map[string]string{"organization_membership_id": str(o["organization_membership_id"])}
		}},
		{"groups", "groups_create", s.Groups, func(o Object) map[string]string {
			return map[string]string{"organizationId": str(o["organization_id"])}
		}},
	}
	for _, step := range steps {
		for i, o := range step.objs {
			var pp map[string]string
			if step.pp != nil {
				pp = step.pp(o)
			}
			created, err := e.seedOp(st, next(), step.op, pp, o)
			if err != nil {
				return fail(step.list, i, err)
			}
			if step.list == "roles" || step.list == "organization_roles" {
				if perms, ok := o["permissions"]; ok {
					pp := map[string]string{"slug": str(o["slug"])}
					name := "authorization_role_permissions_set_permissions"
					if step.list == "organization_roles" {
						pp["organizationId"] = str(o["organization_id"])
						name = "authorization_organization_role_permissions_set_permissions"
					}
					if _, err := e.seedOp(st, next(), name, pp, Object{"permissions": perms}); err != nil {
						return fail(step.list, i, err)
					}
				}
			}
			if step.list == "organization_memberships" && str(o["status"]) == "inactive" {
				if m := st.get("organization_memberships", str(created["id"])); m != nil {
					m["status"] = "inactive"
				}
			}
			if step.list == "groups" {
				for _, om := range strs(o["members"]) {
					if _, err := e.seedOp(st, next(), "group_memberships_add_member", map[string]string{"organizationId": str(o["organization_id"]), "groupId": str(created["id"])}, Object{"organization_membership_id": om}); err != nil {
						return fail(step.list, i, err)
					}
				}
			}
		}
	}
	seedIDs := func(kind, prefix string, objs []Object, fill func(Object)) {
		for _, o := range objs {
			x := clone(o).(map[string]any)
			at := next()
			if str(x["id"]) == "" {
				x["id"] = st.newID(prefix, at)
			}
			if x["created_at"] == nil {
				x["created_at"] = ts(at)
			}
			if x["updated_at"] == nil {
				x["updated_at"] = x["created_at"]
			}
			fill(x)
			st.put(kind, x)
		}
	}
	seedIDs("feature_flags", "flag_", s.FeatureFlags, func(o Object) {
		o["object"] = "feature_flag"
		defaults(o, Object{"enabled": true, "default_value": false, "description": nil, "tags": []any{}, "owner": nil})
		if str(o["name"]) == "" {
			o["name"] = o["slug"]
		}
		o["_targets"] = toAny(strs(o["targets"]))
		delete(o, "targets")
	})
	seedIDs("directories", "directory_", s.Directories, func(o Object) {
		o["object"] = "directory"
		defaults(o, Object{"type": "okta scim v2.0", "state": "active", "domain": nil, "external_key": strings.ToLower(str(o["id"]))})
	})
	seedIDs("directory_groups", "directory_group_", s.DirectoryGroups, func(o Object) {
		o["object"] = "directory_group"
		if d := st.get("directories", str(o["directory_id"])); d != nil {
			o["organization_id"] = d["organization_id"]
		}
		defaults(o, Object{"idp_id": strings.ToLower(str(o["id"])), "raw_attributes": map[string]any{}})
	})
	seedIDs("directory_users", "directory_user_", s.DirectoryUsers, func(o Object) {
		o["object"] = "directory_user"
		if d := st.get("directories", str(o["directory_id"])); d != nil {
			o["organization_id"] = d["organization_id"]
		}
		defaults(o, Object{"state": "active", "idp_id": strings.ToLower(str(o["id"])), "custom_attributes": map[string]any{},
			"raw_attributes": map[string]any{}, "username": o["email"], "role": map[string]any{"slug": "member"}})
		if o["emails"] == nil {
			o["emails"] = []any{map[string]any{"primary": true, "type": "work", "value": o["email"]}}
		}
		o["_groups"] = toAny(strs(o["groups"]))
		delete(o, "groups")
	})
	seedIDs("connections", "conn_", s.Connections, func(o Object) {
		o["object"] = "connection"
		defaults(o, Object{"connection_type": "OktaSAML", "state": "active", "status": "linked"})
		var doms []any
		for _, d := range strs(o["domains"]) {
			doms = append(doms, map[string]any{"object": "connection_domain", "id": "conn_domain_" + strings.ToUpper(strings.ReplaceAll(d, ".", "")), "domain": d})
		}
		if doms == nil {
			doms = []any{}
		}
		o["domains"] = doms
	})
	st.dirty = false
	return nil
}
