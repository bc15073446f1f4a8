package catalog_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog/internal/gen"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sharedDir is ../shared/workos beside the repository; tests that need the spec skip without it.
func sharedFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "workos", name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("../shared/workos/%s is absent", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCatalogUpToDate(t *testing.T) {
	spec := sharedFile(t, "open-api-spec.json")
	got, err := gen.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "catalog_gen.json")
	if err := os.WriteFile(out, got, 0o644); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("catalog_gen.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Fatalf("catalog_gen.json is stale: run `go generate ./bindings/catalog` (fresh copy in %s)", out)
	}
	goSrc, err := gen.GoFile(got)
	if err != nil {
		t.Fatal(err)
	}
	committedGo, err := os.ReadFile("catalog_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(goSrc, committedGo) {
		t.Fatal("catalog_gen.go is stale: run `go generate ./bindings/catalog`")
	}
	if !bytes.HasPrefix(committedGo, []byte("// Code generated ")) || !bytes.Contains(committedGo, []byte("DO NOT EDIT.\n")) {
		t.Fatal("catalog_gen.go lacks Go's generated-code marker")
	}
	again, err := gen.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Fatal("the generator is not deterministic")
	}
}

func TestEveryOperationOfTheSpec(t *testing.T) {
	cat := catalog.Default()
	if got := len(cat.Operations()); got != 212 {
		t.Fatalf("catalog has %d operations, want all 212 of the spec", got)
	}
	for _, op := range cat.Operations() {
		if op.Name == "" || op.Method == "" || op.Path == "" || op.Summary == "" || op.Access == "" || op.Auth == "" {
			t.Errorf("%s: incomplete operation %+v", op.OperationID, op)
		}
		if strings.ContainsAny(op.Name, ".-") {
			t.Errorf("%s: name %q is not a Lua identifier", op.OperationID, op.Name)
		}
	}
}

// TestSeedNames checks every row of catalog-map.tsv: the 172 KosmoKrator names resolve
// to the operation with the same method and path.
func TestSeedNames(t *testing.T) {
	data := sharedFile(t, "catalog-map.tsv")
	cat := catalog.Default()
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Scan() // header
	rows := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 {
			continue
		}
		rows++
		seed, method, path, oid := cols[0], cols[1], cols[2], cols[3]
		op, err := cat.Lookup(seed)
		if err != nil {
			t.Errorf("seed name %s: %v", seed, err)
			continue
		}
		got := fmt.Sprintf("%s %s %s", op.Method, op.Path, op.OperationID)
		if want := fmt.Sprintf("%s %s %s", method, path, oid); got != want {
			t.Errorf("%s resolves to %s, want %s", seed, got, want)
		}
		if op.SeedName != seed || op.Name != strings.TrimPrefix(seed, "workos_") {
			t.Errorf("%s: names %q/%q", seed, op.SeedName, op.Name)
		}
	}
	if rows != 172 {
		t.Fatalf("read %d rows of catalog-map.tsv, want 172", rows)
	}
}

func TestNaming(t *testing.T) {
	tests := []struct{ in, seed string }{
		{"UserlandUsersController_list[0]", "workos_userland_users_list_0"},
		{"AuthorizationRoleAssignmentsController_listRoleAssignments", "workos_authorization_role_assignments_list_role_assignments"},
		{"AuditLogExportsController_export", "workos_audit_log_exports_export"},
		{"SsoController_jsonWebKeySet", "workos_sso_json_web_key_set"},
		{"ApiKeysController_validateApiKey", "workos_api_keys_validate_api_key"},
		{"JSONWebController_get", "workos_json_web_get"},
	}
	for _, tt := range tests {
		if got := catalog.SeedName(tt.in); got != tt.seed {
			t.Errorf("SeedName(%q) = %q, want %q", tt.in, got, tt.seed)
		}
	}
	aliases := []struct{ title, want string }{
		{"Validate API key", "validate_api_key"},
		{"Get an authorization URL", "get_authorization_url"},
		{"List groups", "list_groups"},
		{"Create a WorkOS thing", "create_thing"},
		{"2FA for the user", "_2fa_user"},
	}
	for _, tt := range aliases {
		if got := catalog.TitleAlias(tt.title); got != tt.want {
			t.Errorf("TitleAlias(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
	keys := []struct{ in, want string }{
		{"organizationId", "organization_id"}, {"idempotency-key", "idempotency_key"},
		{"organization_id", "organization_id"}, {"userlandUserId", "userland_user_id"}, {"omId", "om_id"},
	}
	for _, tt := range keys {
		if got := catalog.SnakeCase(tt.in); got != tt.want {
			t.Errorf("SnakeCase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	cat := catalog.Default()
	for _, name := range []string{"organizations_list", "workos_organizations_list"} {
		op, err := cat.Lookup(name)
		if err != nil || op.Name != "organizations_list" {
			t.Errorf("Lookup(%q) = %v, %v", name, op, err)
		}
	}
	op, err := cat.Lookup("validate_api_key")
	if err != nil || op.Name != "api_keys_validate_api_key" {
		t.Errorf("Lookup(validate_api_key) = %v, %v", op, err)
	}
	// KosmoKrator's title names collide silently; we report both candidates.
	for _, name := range []string{"get_authorization_url", "list_groups"} {
		_, err := cat.Lookup(name)
		var le *catalog.LookupError
		if !errors.As(err, &le) || len(le.Candidates) < 2 {
			t.Errorf("Lookup(%q) = %v, want an ambiguity listing the candidates", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "ambiguous") {
			t.Errorf("Lookup(%q) error %q does not say ambiguous", name, err)
		}
	}
	_, err = cat.Lookup("organisations_list")
	if err == nil || !strings.Contains(err.Error(), "did you mean organizations_list") {
		t.Errorf("Lookup(organisations_list) = %v, want a suggestion", err)
	}
}

func TestCollisionsAreErrors(t *testing.T) {
	ops := []*catalog.Operation{
		{Name: "a_list", SeedName: "workos_a_list", OperationID: "A_list"},
		{Name: "a_list", SeedName: "workos_a_list", OperationID: "B_list"},
	}
	if _, err := catalog.New(ops); err == nil || !strings.Contains(err.Error(), "used by both") {
		t.Fatalf("New with a duplicate name = %v, want a collision error", err)
	}
}

func TestAccessClasses(t *testing.T) {
	cat := catalog.Default()
	want := map[string]catalog.Access{
		// The seed labels these seven GETs Write; they are reads.
		"authorization_role_assignments_list_role_assignments":                             catalog.Read,
		"authorization_role_assignments_list_role_assignments_for_resource":                catalog.Read,
		"authorization_role_assignments_list_role_assignments_for_resource_by_external_id": catalog.Read,
		"userland_user_invites_list":                                                       catalog.Read,
		"userland_user_invites_get":                                                        catalog.Read,
		"userland_user_invites_get_by_token":                                               catalog.Read,
		"userland_users_get_password_reset":                                                catalog.Read,
		"authorization_check":                                                              catalog.Read,
		"api_keys_validate_api_key":                                                        catalog.Read,
		"organizations_create":                                                             catalog.Write,
		"organizations_delete_organization":                                                catalog.Destructive,
		"userland_user_invites_revoke":                                                     catalog.Destructive,
		"sso_logout":                                                                       catalog.Write,
	}
	for name, access := range want {
		op, err := cat.Lookup(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if op.Access != access {
			t.Errorf("%s access = %s, want %s", name, op.Access, access)
		}
	}
	for name := range catalog.AccessOverrides {
		if _, err := cat.Lookup(name); err != nil {
			t.Errorf("AccessOverrides names an unknown operation: %v", err)
		}
	}
	for oid, name := range catalog.NameOverrides {
		op, err := cat.Lookup(name)
		if err != nil || op.OperationID != oid {
			t.Errorf("NameOverrides[%q] = %q does not resolve to it: %v", oid, name, err)
		}
	}
}

func TestShapes(t *testing.T) {
	cat := catalog.Default()
	auth, _ := cat.Lookup("userland_sessions_authenticate_0")
	if auth.Body == nil || auth.Body.Discriminator != "grant_type" || len(auth.Body.Variants) != 10 {
		t.Fatalf("authenticate body: %+v", auth.Body)
	}
	check, _ := cat.Lookup("authorization_check")
	if len(check.Body.Groups) != 1 || check.Body.Groups[0].Name != "resource_target" || check.Body.Groups[0].Optional {
		t.Errorf("authorization_check groups: %+v", check.Body.Groups)
	}
	list, _ := cat.Lookup("organizations_list")
	if !list.Paginated {
		t.Error("organizations_list is not paginated")
	}
	domains, _ := list.Param("domains")
	if domains.Type != "array" || domains.Explode {
		t.Errorf("organizations_list domains = %+v, want a comma-joined array (explode false)", domains)
	}
	if r, _ := list.SuccessResponse(); r.ListItem != "Organization" {
		t.Errorf("organizations_list response %+v", r)
	}
	events, _ := cat.Lookup("audit_log_events_create")
	if p, ok := events.Param("idempotency_key"); !ok || p.In != catalog.InHeader {
		t.Errorf("audit_log_events_create idempotency-key param: %+v", p)
	}
	profile, _ := cat.Lookup("sso_get_profile")
	if profile.Auth != catalog.AuthAccessToken {
		t.Errorf("sso_get_profile auth = %s", profile.Auth)
	}
	addPerm, _ := cat.Lookup("authorization_organization_role_permissions_add_permission")
	if diff := cmp.Diff([]string{"slug"}, addPerm.ShadowedBodyFields()); diff != "" {
		t.Errorf("shadowed body fields (-want +got):\n%s", diff)
	}
}

// TestFunctionsGolden pins every Lua name with its method, path and access class,
// so a rename shows up in review. Run with -update to rewrite it.
func TestFunctionsGolden(t *testing.T) {
	cat := catalog.Default()
	var b strings.Builder
	for _, name := range cat.Names() {
		op, _ := cat.Lookup(name)
		fmt.Fprintf(&b, "%-80s %-6s %-12s %s\n", op.Name, op.Method, op.Access, op.Path)
	}
	golden := filepath.Join("testdata", "functions.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("functions mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkParseCatalog(b *testing.B) {
	data, err := os.ReadFile("catalog_gen.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := catalog.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

// committedJSON returns catalog_gen.json decoded with encoding/json, and its
// bytes.
func committedJSON(t *testing.T) (catalog.File, []byte) {
	t.Helper()
	data, err := os.ReadFile("catalog_gen.json")
	if err != nil {
		t.Fatal(err)
	}
	var f catalog.File
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f, data
}

// TestGoTablesMatchTheJSON: the catalog compiled into the binary
// (catalog_gen.go) is exactly catalog_gen.json's operations.
func TestGoTablesMatchTheJSON(t *testing.T) {
	want, _ := committedJSON(t)
	// reflect.DeepEqual first: cmp.Diff of the whole catalog takes seconds.
	if got := catalog.Default().Operations(); !reflect.DeepEqual(want.Operations, got) {
		diff := cmp.Diff(want.Operations, got)
		t.Errorf("catalog_gen.go differs from catalog_gen.json (-json +go):\n%s", diff)
	}
	if want.SpecSHA256 != catalog.SpecSHA256 || len(want.Operations) != catalog.OperationCount {
		t.Errorf("catalog_gen.go's constants (%s, %d) differ from catalog_gen.json's (%s, %d)", catalog.SpecSHA256, catalog.OperationCount, want.SpecSHA256, len(want.Operations))
	}
}

// TestParseDecodesLikeEncodingJSON: the faster decoder Parse uses builds the
// same catalog as encoding/json.
func TestParseDecodesLikeEncodingJSON(t *testing.T) {
	want, data := committedJSON(t)
	got, err := catalog.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want.Operations, got.Operations()) {
		diff := cmp.Diff(want.Operations, got.Operations())
		t.Errorf("Parse differs from encoding/json (-want +got):\n%s", diff)
	}
}
