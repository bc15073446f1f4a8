package api

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestResolve pins the first stage of Prepare: where each argument goes.
func TestResolve(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		name    string
		op      string
		args    map[string]any
		want    arguments
		wantReq Request // the reserved keys
	}{
		{"spec spelling is the parameter's key; nil is absent", "organizations_find",
			map[string]any{"id": "org_1", "nothing": nil},
			arguments{params: map[string]any{"id": "org_1"}}, Request{}},
		{"body fields at the top and under body", "organizations_create",
			map[string]any{"name": "a", "body": map[string]any{"external_id": "e"}, "idempotency_key": "k"},
			arguments{params: map[string]any{}, bodyTop: map[string]any{"name": "a"},
				bodyTable: map[string]any{"external_id": "e"}}, Request{IdempotencyKey: "k"}},
		{"an empty table is an empty body", "organizations_create",
			map[string]any{"body": []any{}},
			arguments{params: map[string]any{}, bodyTable: map[string]any{}}, Request{}},
		{"a shadowed name is the parameter", "authorization_role_permissions_add_permission",
			map[string]any{"slug": "admin"},
			arguments{params: map[string]any{"slug": "admin"}}, Request{}},
		{"the header parameter wins over the reserved key", "audit_log_events_create",
			map[string]any{"idempotency_key": "k"},
			arguments{params: map[string]any{"idempotency_key": "k"}}, Request{}},
		{"access token of an access_token operation", "sso_get_profile",
			map[string]any{"access_token": "tok"},
			arguments{params: map[string]any{}}, Request{AccessToken: "tok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := cat.Lookup(tt.op)
			if err != nil {
				t.Fatal(err)
			}
			p := preparer{v: NewValidator(), op: op, args: tt.args}
			got := arguments{params: map[string]any{}}
			req := &Request{}
			if err := p.resolve(req, &got); err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(arguments{})); diff != "" {
				t.Errorf("arguments mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantReq, *req, cmpopts.IgnoreFields(Request{}, "Op")); diff != "" {
				t.Errorf("request mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlaceBody pins how the body is gathered: nils under body dropped,
// shadowed fields copied from query parameters only, nil for no body.
func TestPlaceBody(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		name string
		op   string
		args arguments
		want map[string]any
	}{
		{"no body given", "organizations_create",
			arguments{params: map[string]any{}}, nil},
		{"top level and table merged, nil dropped", "organizations_create",
			arguments{bodyTop: map[string]any{"name": "a"}, bodyTable: map[string]any{"external_id": "e", "metadata": nil}},
			map[string]any{"name": "a", "external_id": "e"}},
		{"shadowed field takes its query parameter", "sso_token",
			arguments{params: map[string]any{"code": "c"}},
			map[string]any{"code": "c"}},
		{"shadowed field given under body keeps its own value", "sso_token",
			arguments{params: map[string]any{"code": "c"}, bodyTable: map[string]any{"code": "own"}},
			map[string]any{"code": "own"}},
		{"a path parameter is never copied", "authorization_role_permissions_add_permission",
			arguments{params: map[string]any{"slug": "admin"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := cat.Lookup(tt.op)
			if err != nil {
				t.Fatal(err)
			}
			p := preparer{v: NewValidator(), op: op}
			got, err := p.placeBody(tt.args)
			if err != nil {
				t.Fatalf("placeBody: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteQuery pins the query encoding of one parameter.
func TestWriteQuery(t *testing.T) {
	tests := []struct {
		name   string
		before string
		prm    catalog.Param
		values []string
		want   string
	}{
		{"scalar", "", catalog.Param{Name: "limit", Type: "integer"}, []string{"5"}, "limit=5"},
		{"appended with &", "a=1", catalog.Param{Name: "order", Type: "string"}, []string{"asc"}, "a=1&order=asc"},
		{"exploded array repeats the key", "", catalog.Param{Name: "s", Type: "array", Explode: true}, []string{"a", "b"}, "s=a&s=b"},
		{"array that does not explode is comma-joined and escaped", "", catalog.Param{Name: "d", Type: "array"}, []string{"a.com", "b c"}, "d=a.com%2Cb+c"},
		{"name escaped", "", catalog.Param{Name: "a[b]", Type: "string"}, []string{"x"}, "a%5Bb%5D=x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q strings.Builder
			q.WriteString(tt.before)
			writeQuery(&q, tt.prm, tt.values)
			if diff := cmp.Diff(tt.want, q.String()); diff != "" {
				t.Errorf("query mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
