package emulator

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// The flag has its own name so that it never clashes with another -update in
// the package: go test ./bindings/emulator -run TestSeedSchemaUpToDate -update-seed-schema
var updateSeedSchema = flag.Bool("update-seed-schema", false, "rewrite seed.schema.json")

// seedList describes one top-level list of a seed file: the operation that
// creates its objects (their keys are the operation's body fields) plus extra
// keys, or, for what only the seed can create, its keys by hand.
type seedList struct {
	key, title, op string
	extra          map[string]any
	required       []string
}

func strProp(desc string) map[string]any {
	return map[string]any{"type": "string", "description": desc}
}

func strList(desc string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": desc}
}

func anyProp(desc string) map[string]any { return map[string]any{"description": desc} }

var seedIDProp = strProp("Fixes the object's id (with the kind's prefix); otherwise one is generated.")

func stampProps(p map[string]any) map[string]any {
	p["id"] = seedIDProp
	p["created_at"] = strProp("Creation time (RFC 3339); default: a time just before the emulator started, in seed order.")
	p["updated_at"] = strProp("Last update time (RFC 3339); default: created_at.")
	return p
}

func seedLists() []seedList {
	return []seedList{
		{key: "organizations", title: "Organizations", op: "organizations_create", extra: map[string]any{"id": seedIDProp}},
		{key: "users", title: "Users (password is stored hashed and works with the password grant)", op: "userland_users_create_0", extra: map[string]any{"id": seedIDProp}},
		{key: "permissions", title: "Permissions", op: "authorization_permissions_create", extra: map[string]any{"id": seedIDProp}},
		{key: "resource_types", title: "Authorization resource types (the organization type always exists)", required: []string{"slug"}, extra: map[string]any{
			"slug": strProp("The resource type's slug (also its id)."), "name": strProp("Display name."),
			"description": strProp("Description."), "parent": strProp("Slug of the parent resource type; default: organization."),
		}},
		{key: "roles", title: "Environment roles", op: "authorization_roles_create", extra: map[string]any{
			"id": seedIDProp, "permissions": strList("Slugs of the role's permissions."),
		}},
		{key: "organization_roles", title: "Organization roles", op: "authorization_organization_roles_create", required: []string{"organization_id"}, extra: map[string]any{
			"id": seedIDProp, "organization_id": strProp("The organization the role belongs to."), "permissions": strList("Slugs of the role's permissions."),
		}},
		{key: "organization_memberships", title: "Organization memberships", op: "userland_user_organization_memberships_create", extra: map[string]any{
			"id": seedIDProp, "status": map[string]any{"type": "string", "enum": []any{"active", "inactive"}, "description": "Membership status; default: active."},
		}},
		{key: "resources", title: "Authorization resources", op: "authorization_resources_create", extra: map[string]any{"id": seedIDProp}},
		{key: "role_assignments", title: "Role assignments on resources", op: "authorization_role_assignments_assign_role", required: []string{"organization_membership_id"}, extra: map[string]any{
			"id": seedIDProp, "organization_membership_id": strProp("The membership that gets the role."),
		}},
		{key: "groups", title: "Groups", op: "groups_create", required: []string{"organization_id"}, extra: map[string]any{
			"id": seedIDProp, "organization_id": strProp("The organization the group belongs to."), "members": strList("Organization membership ids of the members."),
		}},
		{key: "feature_flags", title: "Feature flags (seed only)", required: []string{"slug"}, extra: stampProps(map[string]any{
			"slug": strProp("The flag's slug."), "name": strProp("Display name; default: the slug."), "description": anyProp("Description."),
			"enabled":       map[string]any{"type": "boolean", "description": "Whether the flag is on; default: true."},
			"default_value": map[string]any{"type": "boolean", "description": "The value for subjects not targeted; default: false."},
			"tags":          strList("Tags."), "owner": anyProp("The flag's owner object, or null."),
			"targets": strList("Organization and user ids the flag is on for."),
		})},
		{key: "directories", title: "Directories (seed only)", extra: stampProps(map[string]any{
			"name": strProp("Display name."), "organization_id": strProp("The organization the directory belongs to."),
			"domain": anyProp("The directory's domain."), "type": strProp("Directory type; default: okta scim v2.0."),
			"state": strProp("State; default: active."), "external_key": strProp("External key; default: derived from the id."),
		})},
		{key: "directory_users", title: "Directory users (seed only)", required: []string{"directory_id"}, extra: stampProps(map[string]any{
			"directory_id": strProp("The user's directory."), "email": strProp("Primary email."),
			"first_name": anyProp("First name."), "last_name": anyProp("Last name."), "state": strProp("State; default: active."),
			"groups": strList("Directory group ids."), "idp_id": strProp("Identity provider id; default: derived from the id."),
			"username": anyProp("Username; default: the email."), "emails": map[string]any{"type": "array", "description": "Emails; default: the primary email."},
			"role":              map[string]any{"type": "object", "description": "Role; default: {slug: member}."},
			"custom_attributes": map[string]any{"type": "object", "description": "Custom attributes."},
			"raw_attributes":    map[string]any{"type": "object", "description": "Raw attributes."},
			"job_title":         anyProp("Job title."),
		})},
		{key: "directory_groups", title: "Directory groups (seed only)", required: []string{"directory_id"}, extra: stampProps(map[string]any{
			"directory_id": strProp("The group's directory."), "name": strProp("Display name."),
			"idp_id": strProp("Identity provider id; default: derived from the id."), "raw_attributes": map[string]any{"type": "object", "description": "Raw attributes."},
		})},
		{key: "connections", title: "SSO connections (seed only)", extra: stampProps(map[string]any{
			"name": strProp("Display name."), "organization_id": strProp("The organization the connection belongs to."),
			"connection_type": strProp("Connection type; default: OktaSAML."), "state": strProp("State; default: active."),
			"status": strProp("Status; default: linked."), "domains": strList("Domains the connection signs in."),
		})},
	}
}

// fieldSchema is the JSON Schema of a body field.
func fieldSchema(f catalog.Field) map[string]any {
	s := map[string]any{}
	if f.Description != "" {
		s["description"] = f.Description
	}
	if f.Type != "" {
		types := strings.Split(f.Type, "|")
		if len(types) == 1 {
			s["type"] = types[0]
		} else {
			s["type"] = toAny(types)
		}
	}
	if len(f.Enum) > 0 {
		s["enum"] = toAny(f.Enum)
	}
	if f.ItemType != "" {
		s["items"] = map[string]any{"type": f.ItemType}
	}
	if f.Name == "domain_data" {
		s["items"] = map[string]any{"type": "object", "additionalProperties": false, "required": []any{"domain"},
			"properties": map[string]any{"domain": strProp("The domain."), "state": map[string]any{"type": "string", "enum": []any{"verified", "pending"}, "description": "Verification state; default: pending."}}}
	}
	return s
}

func objectSchema(t *testing.T, l seedList) map[string]any {
	props := map[string]any{}
	required := slices.Clone(l.required)
	if l.op != "" {
		op, err := catalog.Default().Lookup(l.op)
		if err != nil || op.Body == nil {
			t.Fatalf("%s: %v", l.op, err)
		}
		for _, f := range op.Body.Fields {
			props[f.Name] = fieldSchema(f)
			if f.Required && len(f.Variants) == 0 {
				required = append(required, f.Name)
			}
		}
	}
	for k, v := range l.extra {
		props[k] = v
	}
	o := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		slices.Sort(required)
		o["required"] = toAny(slices.Compact(required))
	}
	return map[string]any{"type": "array", "description": l.title + ".", "items": o}
}

func hookSchema() map[string]any {
	return map[string]any{"type": "array", "description": "Injected responses, installed at start and after every reset (workos/emulate's errorHooks).",
		"items": map[string]any{"type": "object", "additionalProperties": false, "required": []any{"path"}, "properties": map[string]any{
			"id":      strProp("The hook's id (assigned when omitted)."),
			"method":  strProp("Request method to match; * or empty matches any."),
			"path":    strProp("Path to match: exact, *, /prefix/* or a glob."),
			"status":  map[string]any{"type": "integer", "minimum": 100, "maximum": 599, "description": "Status to answer with."},
			"body":    anyProp("JSON body to answer with; default: a WorkOS-shaped error for status."),
			"headers": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}, "description": "Extra response headers."},
			"fault":   map[string]any{"type": "string", "enum": []any{"reset", "reset_after", "truncate", "malformed"}, "description": "A transport fault instead of status and body."},
			"count":   map[string]any{"type": "integer", "minimum": 0, "description": "How many requests the hook answers; 0: all."},
			"rateLimit": map[string]any{"type": "object", "additionalProperties": false, "required": []any{"maxRequests", "windowMs"}, "description": "Let maxRequests through per windowMs, answer the rest.",
				"properties": map[string]any{"maxRequests": map[string]any{"type": "integer", "minimum": 0}, "windowMs": map[string]any{"type": "integer", "minimum": 1}}},
			"hits": map[string]any{"type": "integer", "description": "Ignored: counted by the emulator."},
		}}}
}

func generateSeedSchema(t *testing.T) []byte {
	props := map[string]any{}
	for _, l := range seedLists() {
		props[l.key] = objectSchema(t, l)
	}
	props["errorHooks"] = hookSchema()
	doc := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  seedSchemaID,
		"title":                "kosmo-lua WorkOS emulator seed file",
		"description":          "The initial data of `kosmo-lua emulate --seed FILE` (JSON or YAML). Objects are in WorkOS's JSON shape.",
		"type":                 "object",
		"additionalProperties": false,
		"properties":           props,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSeedSchemaUpToDate: seed.schema.json is what the catalog and the lists
// above generate.
func TestSeedSchemaUpToDate(t *testing.T) {
	want := generateSeedSchema(t)
	if *updateSeedSchema {
		if err := os.WriteFile("seed.schema.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(string(want), string(SeedSchema())); diff != "" {
		t.Errorf("seed.schema.json is stale; rerun with -update-seed-schema (-want +got):\n%s", diff)
	}
}

// TestSeedSchemaMatchesSeedType: the schema's top-level keys are the Seed type's.
func TestSeedSchemaMatchesSeedType(t *testing.T) {
	var doc struct {
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(SeedSchema(), &doc); err != nil {
		t.Fatal(err)
	}
	var fromType, fromSchema []string
	st := reflect.TypeFor[Seed]()
	for i := range st.NumField() {
		fromType = append(fromType, strings.Split(st.Field(i).Tag.Get("json"), ",")[0])
	}
	for k := range doc.Properties {
		fromSchema = append(fromSchema, k)
	}
	slices.Sort(fromType)
	slices.Sort(fromSchema)
	if diff := cmp.Diff(fromType, fromSchema); diff != "" {
		t.Errorf("Seed fields vs schema keys (-type +schema):\n%s", diff)
	}
}
