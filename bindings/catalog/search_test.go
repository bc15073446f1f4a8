package catalog_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// The examples issue 13 reported as ranked poorly.
func TestSearchIssueExamples(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		query   string
		want    []string // one of them within the first three
		notLike string   // no hit in the first five has this prefix
	}{
		{query: "users of an organization with their roles", want: []string{"userland_user_organization_memberships_list"}},
		{query: "organizations without verified domains", want: []string{"organizations_list"}},
		{query: "which users are admins", notLike: "agent_admin_",
			want: []string{"userland_user_organization_memberships_list", "authorization_role_assignments_list_role_assignments"}},
		{query: "export events of type organization.created", want: []string{"events_list"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var names []string
			for _, h := range cat.Search(tt.query, 5) {
				names = append(names, h.Op.Name)
			}
			top := names[:min(3, len(names))]
			if !slices.ContainsFunc(tt.want, func(w string) bool { return slices.Contains(top, w) }) {
				t.Errorf("top hits = %v, want one of %v in the first three", names, tt.want)
			}
			for _, n := range names {
				if tt.notLike != "" && strings.HasPrefix(n, tt.notLike) {
					t.Errorf("top hits = %v include %s", names, n)
				}
			}
		})
	}
}

// A query that asks to read ranks reads first; one that asks for a change
// ranks the change first.
func TestSearchIntent(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		query string
		want  catalog.Access
	}{
		{"which invitations are pending", catalog.Read},
		{"who is a member of an organization", catalog.Read},
		{"how many users are there", catalog.Read},
		{"organization memberships", catalog.Read},
		{"create an organization membership", catalog.Write},
		{"please revoke an invitation", catalog.Destructive},
		{"how do I delete an organization", catalog.Destructive},
	}
	for _, tt := range tests {
		hits := cat.Search(tt.query, 1)
		if len(hits) == 0 {
			t.Errorf("Search(%q) found nothing", tt.query)
			continue
		}
		if got := hits[0].Op.Access; got != tt.want {
			t.Errorf("Search(%q) first hit %s is %s, want %s", tt.query, hits[0].Op.Name, got, tt.want)
		}
	}
}

// A huge query is read only as far as its first words.
func TestSearchLongQuery(t *testing.T) {
	cat := catalog.Default()
	q := "list organizations " + strings.Repeat("zqx ", 1<<18)
	hits := cat.Search(q, 1)
	if len(hits) == 0 || hits[0].Op.Name != "organizations_list" {
		t.Errorf("Search(list organizations + 1 MB) = %v, want organizations_list first", hits)
	}
}

// Search finds operations by the fields of their results, and survives
// schemas it cannot read (truncated at every length).
func TestSearchResultFields(t *testing.T) {
	schema := `{"properties":{"data":{"items":{"properties":{"id":{"type":"string"},` +
		`"widgets":{"items":{"properties":{"colour":{"enum":["ultramarine","ochre"]}}},"type":"array"}}},"type":"array"},` +
		`"object":{"const":"list"}}}`
	for n := 0; n <= len(schema); n++ {
		ops := []*catalog.Operation{
			{Name: "things_list", Summary: "List things", Access: catalog.Read,
				Responses: []catalog.Response{{Status: 200, ListItem: "Thing", Schema: json.RawMessage(schema[:n])}}},
			{Name: "things_create", Summary: "Create a thing", Access: catalog.Write},
		}
		cat, err := catalog.New(ops)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range cat.Search("ochre widgets", 0) {
			got = append(got, h.Op.Name)
		}
		if n < len(schema) {
			continue // a truncated schema only has to end the walk
		}
		if diff := cmp.Diff([]string{"things_list"}, got); diff != "" {
			t.Errorf("Search over the full schema mismatch (-want +got):\n%s", diff)
		}
	}
}
