package catalog_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// lookupOutcome is what Lookup and Resolve say about one name, in a form
// cmp.Diff can compare.
type lookupOutcome struct {
	Op          string // resolved operation, "" if none
	Resolved    bool   // Resolve's answer
	TooLong     bool
	Candidates  bool // an ambiguity
	Suggestions []string
	ErrHas      string // a substring of the error message, checked separately
}

func TestLookupAndResolve(t *testing.T) {
	cat := catalog.Default()
	long := strings.Repeat("organizations_list", 1<<16) // about 1 MB
	tests := []struct {
		name string
		in   string
		want lookupOutcome
	}{
		{"canonical", "organizations_list", lookupOutcome{Op: "organizations_list", Resolved: true}},
		{"seed name", "workos_organizations_list", lookupOutcome{Op: "organizations_list", Resolved: true}},
		{"title alias", "validate_api_key", lookupOutcome{Op: "api_keys_validate_api_key", Resolved: true}},
		{"ambiguous alias", "list_groups", lookupOutcome{Candidates: true, ErrHas: "ambiguous"}},
		{"typo", "organisations_list", lookupOutcome{Suggestions: []string{"organizations_list"}, ErrHas: "did you mean organizations_list"}},
		{"empty", "", lookupOutcome{ErrHas: "unknown function"}},
		{"at the cap", strings.Repeat("x", catalog.MaxNameLength), lookupOutcome{ErrHas: "unknown function"}},
		{"one past the cap", strings.Repeat("x", catalog.MaxNameLength+1), lookupOutcome{TooLong: true, ErrHas: "too long"}},
		{"canonical name padded past the cap", "organizations_list" + strings.Repeat(" ", catalog.MaxNameLength), lookupOutcome{TooLong: true, ErrHas: "too long"}},
		{"1 MB name", long, lookupOutcome{TooLong: true, ErrHas: "too long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			var got lookupOutcome
			op, err := cat.Lookup(tt.in)
			if op != nil {
				got.Op = op.Name
			}
			var le *catalog.LookupError
			if err != nil && !errors.As(err, &le) {
				t.Fatalf("Lookup error %T %v, want a *LookupError", err, err)
			}
			if le != nil {
				got.TooLong = le.TooLong
				got.Candidates = len(le.Candidates) > 0
				if len(le.Suggestions) > 0 {
					got.Suggestions = le.Suggestions[:1]
				}
				got.ErrHas = tt.want.ErrHas
				if !strings.Contains(err.Error(), tt.want.ErrHas) {
					t.Errorf("error %q does not contain %q", err, tt.want.ErrHas)
				}
				if len(err.Error()) > 2*catalog.MaxNameLength+300 {
					t.Errorf("error message is %d bytes; it must not echo a huge name", len(err.Error()))
				}
			}
			rop, ok := cat.Resolve(tt.in)
			got.Resolved = ok
			if ok != (op != nil) || rop != op {
				t.Errorf("Resolve = %v, %v; Lookup = %v", rop, ok, op)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%.40q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Lookup took %v", d)
			}
		})
	}
}

func TestNamesFitTheCap(t *testing.T) {
	cat := catalog.Default()
	for _, op := range cat.Operations() {
		for _, n := range []string{op.Name, "workos_" + op.Name, op.TitleAlias} {
			if len(n) > catalog.MaxNameLength {
				t.Errorf("name %q is longer than MaxNameLength %d", n, catalog.MaxNameLength)
			}
		}
	}
	for a := range cat.Aliases() {
		if len(a) > catalog.MaxNameLength {
			t.Errorf("alias %q is longer than MaxNameLength %d", a, catalog.MaxNameLength)
		}
	}
}

func TestSuggestLongNames(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"typo", "organisations_list", []string{"organizations_list"}},
		{"past the cap", strings.Repeat("organizations_list", 8), nil},
		{"1 MB", strings.Repeat("a", 1<<20), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cat.Suggest(tt.in, 1)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Suggest mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
