package api

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestProseRulesAreChecked checks the rules the specification states only in
// prose (catalog.ParamGroupOverrides, BodyGroupOverrides) before anything is
// sent: the error names the missing or clashing arguments and the fix.
func TestProseRulesAreChecked(t *testing.T) {
	cat := catalog.Default()
	v := NewValidator()
	tests := []struct {
		name string
		op   string
		args map[string]any
		want *ValidationError // nil: valid
	}{
		{"membership list needs a filter", "userland_user_organization_memberships_list", map[string]any{},
			&ValidationError{Param: "user_id, organization_id", Problem: `at least one is required (group "member_or_organization")`,
				Hint: "give at least one of: user_id | organization_id (several may be combined)"}},
		{"membership list by organization", "userland_user_organization_memberships_list", map[string]any{"organization_id": "org_1"}, nil},
		{"membership list by both", "userland_user_organization_memberships_list", map[string]any{"organization_id": "org_1", "user_id": "user_1"}, nil},
		{"sms factor needs a phone", "authentication_factors_create", map[string]any{"type": "sms"},
			&ValidationError{Param: "phone_number", Problem: `required when type = "sms" (group "sms")`, Hint: "pass phone_number"}},
		{"sms factor", "authentication_factors_create", map[string]any{"type": "sms", "phone_number": "+15555550100"}, nil},
		{"totp factor needs issuer and user", "authentication_factors_create", map[string]any{"type": "totp", "totp_issuer": "Acme"},
			&ValidationError{Param: "totp_user", Problem: `required together with the other fields of "totp" (group "totp")`, Hint: "give all of: totp_issuer + totp_user"}},
		{"third-party app needs an organization", "applications_create", map[string]any{"name": "x", "application_type": "oauth", "is_first_party": false},
			&ValidationError{Param: "organization_id", Problem: `required when is_first_party = false (group "third_party")`, Hint: "pass organization_id"}},
		{"first-party app", "applications_create", map[string]any{"name": "x", "application_type": "oauth", "is_first_party": true}, nil},
		{"widget scopes need an organization", "widgets_public_issue_widget_session_token", map[string]any{"user_id": "user_1", "scopes": []any{"widgets:users-table:manage"}},
			&ValidationError{Param: "organization_id", Problem: `required when scopes is given (group "scoped")`, Hint: "pass organization_id"}},
		{"client id without secret", "provider_configure", map[string]any{"slug": "github", "organization_id": "org_1", "client_id": "abc"},
			&ValidationError{Param: "client_secret", Problem: `required together with the other fields of "own_credentials" (group "own_credentials")`, Hint: "give all of: client_id + client_secret"}},
		{"pkce method without challenge", "userland_sso_authorize", map[string]any{"client_id": "client_1", "redirect_uri": "https://example.com/cb", "response_type": "code", "provider": "authkit", "code_challenge_method": "S256"},
			&ValidationError{Param: "code_challenge", Problem: `required together with the other fields of "pkce" (group "pkce")`, Hint: "give all of: code_challenge + code_challenge_method"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := cat.Lookup(tt.op)
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Prepare(op, tt.args)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Prepare: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Prepare error = %v, want a *ValidationError", err)
			}
			tt.want.Function = tt.op
			if diff := cmp.Diff(tt.want, ve); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
