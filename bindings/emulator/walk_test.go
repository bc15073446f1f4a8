package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const specPath = "../../../shared/workos/open-api-spec.json"

// Seeded ids the tests rely on (see default_seed.yaml).
const (
	acmeID   = "org_01HACME00000000000000000AC"
	globexID = "org_01HGL0BEX000000000000000GX"
	aliceID  = "user_01HA11CE000000000000000AL"
	bobID    = "user_01HB0B00000000000000000B0"
	erinID   = "user_01HERN00000000000000000ER"
	aliceOM  = "om_01HA11CEACME0000000000000A"
	bobOM    = "om_01HB0BACME000000000000000B"
	engID    = "authz_resource_01HENG00000000000000000EN"
	roadmap  = "authz_resource_01HR0ADMAP000000000000RM"
	groupID  = "group_01HENG1NEERS0000000000000G"
	dirID    = "directory_01HACME0KTA0000000000000D"
	dirUser  = "directory_user_01HA11CE00000000000000DA"
	dirGroup = "directory_group_01HACMEENG0000000000000G"
	connID   = "conn_01HACME0KTASAML00000000000"
)

// changesNothing are the write-class operations that only answer (a vended
// credential, a token) and so record no event.
var changesNothing = map[string]bool{
	"data_integrations_vend_credentials":        true,
	"data_integrations_get_userland_user_token": true,
	"client_api_token_issue_client_api_token":   true,
}

// fixtures creates one of each API-creatable object the walk needs an id for.
func fixtures(t *testing.T, e *Emulator) map[string]string {
	t.Helper()
	fx := map[string]string{}
	post := func(name, path, body string) map[string]any {
		code, out, _ := do(t, e, "POST", path, body)
		if code >= 300 {
			t.Fatalf("fixture %s: POST %s -> %d %s", name, path, code, out)
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(out), &m)
		return m
	}
	inv := post("invitation", "/user_management/invitations", `{"email":"new.hire@acme.com","organization_id":"`+acmeID+`","role_slug":"admin"}`)
	fx["invitation"], fx["invitation_token"] = str(inv["id"]), str(inv["token"])
	f := post("factor", "/auth/factors/enroll", `{"type":"totp","totp_issuer":"Acme","totp_user":"alice@acme.com","user_id":"`+aliceID+`"}`)
	fx["factor"] = str(f["id"])
	ch := post("challenge", "/auth/factors/"+fx["factor"]+"/challenge", `{}`)
	fx["challenge"] = str(ch["id"])
	app := post("app", "/connect/applications", `{"name":"CLI","application_type":"m2m","organization_id":"`+acmeID+`"}`)
	fx["app"] = str(app["id"])
	post("authorized app", "/user_management/authenticate", `{"client_id":"`+str(app["client_id"])+`","client_secret":"`+DefaultAPIKey+`","grant_type":"password","email":"alice@acme.com","password":"Password123!"}`)
	sec := post("secret", "/connect/applications/"+fx["app"]+"/client_secrets", `{}`)
	fx["secret"] = str(sec["id"])
	key := post("api key", "/organizations/"+acmeID+"/api_keys", `{"name":"CI"}`)
	fx["api_key"] = str(key["id"])
	we := post("webhook", "/webhook_endpoints", `{"endpoint_url":"https://acme.com/hooks","events":["user.created"]}`)
	fx["webhook"] = str(we["id"])
	ru := post("redirect uri", "/user_management/redirect_uris", `{"uri":"https://acme.com/callback"}`)
	fx["redirect_uri"] = str(ru["id"])
	post("verification", "/user_management/users/"+bobID+"/email_verification/send", `{}`)
	ma := post("magic auth", "/user_management/magic_auth", `{"email":"alice@acme.com"}`)
	fx["magic_auth"] = str(ma["id"])
	pr := post("password reset", "/user_management/password_reset", `{"email":"alice@acme.com"}`)
	fx["password_reset"] = str(pr["id"])
	auth := post("authenticate", "/user_management/authenticate", `{"client_id":"client_123","client_secret":"`+DefaultAPIKey+`","grant_type":"password","email":"alice@acme.com","password":"Password123!"}`)
	fx["refresh_token"] = str(auth["refresh_token"])
	post("audit schema", "/audit_logs/actions/user.signed_in/schemas", `{"targets":[{"type":"user"}]}`)
	ex := post("audit export", "/audit_logs/exports", `{"organization_id":"`+acmeID+`","range_start":"2026-01-01T00:00:00Z","range_end":"2026-12-31T00:00:00Z"}`)
	fx["export"] = str(ex["id"])
	ra := post("role assignment", "/authorization/organization_memberships/"+bobOM+"/role_assignments", `{"role_slug":"project-viewer","resource_id":"`+roadmap+`"}`)
	fx["role_assignment"] = str(ra["id"])
	gra := post("group role assignment", "/authorization/groups/"+groupID+"/role_assignments", `{"role_slug":"project-viewer","resource_id":"`+roadmap+`"}`)
	fx["group_role_assignment"] = str(gra["id"])
	post("email change", "/user_management/users/"+aliceID+"/email_change/send", `{"new_email":"alice.changed@acme.com"}`)
	post("verification", "/user_management/users/"+aliceID+"/email_verification/send", `{}`)
	kv := post("vault object", "/vault/v1/kv", `{"name":"stripe-key","value":"sk_live_123","key_context":{"organization_id":"`+acmeID+`"}}`)
	fx["vault"] = str(kv["id"])
	post("data integration", "/data-integrations", `{"provider":"github","scopes":["repo"]}`)
	do(t, e, "PUT", "/data-integrations/github/api-key", `{"user_id":"`+aliceID+`","secret":"ghp_walk1234"}`)
	att := post("radar attempt", "/radar/attempts", `{"ip_address":"203.0.113.7","user_agent":"walk","email":"alice@acme.com","auth_method":"Password","action":"sign-in"}`)
	fx["radar_attempt"] = str(att["attempt_id"])
	rc := post("radar challenge", "/user_management/radar_challenges", `{"user_id":"`+aliceID+`","pending_authentication_token":"tok","phone_number":"+15555550123"}`)
	fx["radar_challenge"] = str(rc["verification_id"])
	dk := post("data key", "/vault/v1/keys/data-key", `{"context":{"organization_id":"`+acmeID+`"}}`)
	fx["encrypted_keys"] = str(dk["encrypted_keys"])
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, v := range e.store.all("email_verifications") {
		fx["email_verification"] = str(v["id"])
		fx["verification_code"] = str(v["code"])
	}
	fx["email_change_code"] = str(e.store.get("users", aliceID)["_email_change"].(map[string]any)["code"])
	fx["reset_token"] = str(e.store.get("password_resets", fx["password_reset"])["password_reset_token"])
	for _, s := range e.store.all("sessions") {
		fx["session"] = str(s["id"])
	}
	return fx
}

// idFor picks a path parameter value for op.
func idFor(op *catalog.Operation, name string, fx map[string]string) string {
	p := op.Path
	switch name {
	case "organizationId", "organization_id":
		return acmeID
	case "userId", "user_id", "userlandUserId":
		return aliceID
	case "organization_membership_id":
		return bobOM
	case "application_id":
		return fx["app"]
	case "omId":
		return bobOM
	case "groupId", "group_id":
		return groupID
	case "resource_id":
		if op.Method == "DELETE" {
			return roadmap
		}
		return engID
	case "resource_type_slug":
		if op.Method == "DELETE" {
			return "project"
		}
		return "workspace"
	case "role_assignment_id":
		if strings.Contains(p, "/groups/") {
			return fx["group_role_assignment"]
		}
		return fx["role_assignment"]
	case "actionName":
		return "user.signed_in"
	case "name":
		return "stripe-key"
	case "auditLogExportId":
		return fx["export"]
	case "resourceId":
		return acmeID
	case "token":
		return fx["invitation_token"]
	case "permissionSlug":
		return "billing:manage"
	case "type":
		return "email"
	case "action":
		return "block"
	case "external_id":
		switch {
		case strings.HasPrefix(p, "/organizations/external_id"):
			return "acme"
		case strings.HasPrefix(p, "/user_management/users/external_id"):
			return "alice"
		}
		if op.Method == "DELETE" {
			return "roadmap"
		}
		return "engineering"
	case "slug":
		switch {
		case strings.HasPrefix(p, "/authorization/organizations/"):
			return "org-billing"
		case strings.HasPrefix(p, "/authorization/roles/"):
			return "admin"
		case strings.HasPrefix(p, "/authorization/permissions/"):
			return "users:read"
		case strings.HasPrefix(p, "/feature-flags/"):
			return "new-dashboard"
		}
		return "github"
	case "id":
		for prefix, v := range map[string]string{
			"/organizations/":                            acmeID,
			"/organization_domains/":                     "", // filled below
			"/user_management/users/":                    aliceID,
			"/user_management/organization_memberships/": bobOM,
			"/user_management/invitations/":              fx["invitation"],
			"/auth/factors/":                             fx["factor"],
			"/auth/challenges/":                          fx["challenge"],
			"/connect/applications/":                     fx["app"],
			"/connect/client_secrets/":                   fx["secret"],
			"/api_keys/":                                 fx["api_key"],
			"/webhook_endpoints/":                        fx["webhook"],
			"/user_management/redirect_uris/":            fx["redirect_uri"],
			"/directories/":                              dirID,
			"/directory_users/":                          dirUser,
			"/directory_groups/":                         dirGroup,
			"/connections/":                              connID,
			"/user_management/email_verification/":       fx["email_verification"],
			"/user_management/magic_auth/":               fx["magic_auth"],
			"/user_management/password_reset/":           fx["password_reset"],
			"/vault/v1/kv/":                              fx["vault"],
			"/radar/attempts/":                           fx["radar_attempt"],
			"/user_management/radar_challenges/":         fx["radar_challenge"],
		} {
			if strings.HasPrefix(p, prefix) {
				if v == "" {
					return fx["domain"]
				}
				return v
			}
		}
		return "id_01HXYZ"
	}
	return "x"
}

// bodyFor builds a valid request body for op.
func bodyFor(op *catalog.Operation, fx map[string]string) map[string]any {
	special := map[string]map[string]any{
		"userland_sessions_authenticate_0":                                    {"client_id": "client_123", "client_secret": DefaultAPIKey, "grant_type": "refresh_token", "refresh_token": fx["refresh_token"]},
		"organizations_create":                                                {"name": "Walk Inc", "domains": []any{"walk.example"}},
		"organization_domains_create":                                         {"domain": "walk.example", "organization_id": acmeID},
		"userland_users_create_0":                                             {"email": "walker@example.com", "password": "Password123!"},
		"userland_user_invites_create":                                        {"email": "walker@example.com", "organization_id": acmeID},
		"userland_user_organization_memberships_create":                       {"user_id": erinID, "organization_id": acmeID, "role_slug": "member"},
		"userland_users_create_password_reset_token":                          {"email": "alice@acme.com"},
		"userland_users_reset_password_0":                                     {"token": fx["reset_token"], "new_password": "NewPassword456!"},
		"audit_log_exports_exports":                                           {"organization_id": acmeID, "range_start": "2026-01-01T00:00:00Z", "range_end": "2026-12-31T00:00:00Z"},
		"userland_users_confirm_email_change":                                 {"code": fx["email_change_code"]},
		"data_integrations_management_create_data_integration":                {"provider": "slack"},
		"sso_logout_authorize":                                                {"profile_id": fx["profile"]},
		"client_api_token_issue_client_api_token":                             {"organization_id": acmeID, "user_id": aliceID},
		"data_integrations_upsert_api_key":                                    {"user_id": aliceID, "secret": "ghp_walk5678"},
		"data_integrations_get_data_integration_authorize_url":                {"user_id": aliceID},
		"data_integrations_upsert_client_credentials":                         {"user_id": aliceID, "client_id": "Iv1.walk", "client_secret": "walk-secret"},
		"data_integrations_vend_credentials":                                  {"user_id": aliceID},
		"data_integrations_get_userland_user_token":                           {"user_id": aliceID},
		"public_radar_challenges_send_radar_sms_challenge":                    {"user_id": aliceID, "pending_authentication_token": "tok", "phone_number": "+15555550123"},
		"vault_keys_decrypt":                                                  {"keys": fx["encrypted_keys"]},
		"vault_keys_rekey":                                                    {"encrypted_keys": fx["encrypted_keys"], "context": map[string]any{"organization_id": globexID}},
		"data_integrations_user_management_create_user_data_installation":     {"access_token": "gho_walk", "scopes": []any{"repo"}},
		"userland_users_email_verification_0":                                 {"code": fx["verification_code"]},
		"userland_users_send_email_change":                                    {"new_email": "alice.new@acme.com"},
		"userland_magic_auth_send_magic_auth_code_and_return":                 {"email": "alice@acme.com"},
		"authorization_permissions_create":                                    {"slug": "reports:read", "name": "Read reports"},
		"authorization_roles_create":                                          {"slug": "auditor", "name": "Auditor"},
		"authorization_organization_roles_create":                             {"slug": "org-auditor", "name": "Auditor"},
		"authorization_role_permissions_set_permissions":                      {"permissions": []any{"users:read"}},
		"authorization_organization_role_permissions_set_permissions":         {"permissions": []any{"users:read"}},
		"authorization_role_permissions_add_permission":                       {"slug": "billing:manage"},
		"authorization_organization_role_permissions_add_permission":          {"slug": "users:manage"},
		"authorization_resources_create":                                      {"organization_id": acmeID, "resource_type_slug": "workspace", "external_id": "design", "name": "Design"},
		"authorization_check":                                                 {"permission_slug": "workspaces:write", "resource_id": engID},
		"authorization_role_assignments_assign_role":                          {"role_slug": "workspace-editor", "resource_id": "authz_resource_01HMKT00000000000000000MK"},
		"authorization_role_assignments_remove_role_by_criteria":              {"role_slug": "workspace-editor", "resource_id": engID},
		"authorization_group_role_assignments_create":                         {"role_slug": "workspace-editor", "resource_id": engID},
		"authorization_group_role_assignments_remove_group_role_assignments":  {"role_slug": "project-viewer", "resource_id": roadmap},
		"authorization_group_role_assignments_replace_group_role_assignments": {"role_assignments": []any{map[string]any{"role_slug": "workspace-editor", "resource_id": engID}}},
		"group_memberships_add_member":                                        {"organization_membership_id": aliceOM},
		"groups_create":                                                       {"name": "Designers"},
		"user_api_keys_create":                                                {"name": "laptop", "organization_id": acmeID},
		"organization_api_keys_create":                                        {"name": "deploy"},
		"api_keys_validate_api_key":                                           {"value": "sk_unknown"},
		"userland_sessions_revoke_session":                                    {"session_id": fx["session"]},
		"audit_logs_retention_update_audit_logs_retention":                    {"retention_period_in_days": 365},
		"audit_log_events_create": {"organization_id": acmeID, "event": map[string]any{"action": "user.signed_in", "occurred_at": "2026-01-01T00:00:00Z",
			"actor": map[string]any{"type": "user", "id": aliceID}, "targets": []any{map[string]any{"type": "user", "id": aliceID}}, "context": map[string]any{"location": "1.2.3.4"}}},
		"portal_sessions_create":                        {"organization": acmeID, "intent": "sso"},
		"authentication_factors_create":                 {"type": "totp", "totp_issuer": "Acme", "totp_user": "bob@acme.com"},
		"userland_user_authentication_factors_create_0": {"type": "totp"},
		"authentication_challenges_verify":              {"code": "123456"},
		"widgets_public_issue_widget_session_token":     {"organization_id": acmeID, "user_id": aliceID, "scopes": []any{"widgets:users-table:manage"}},
		"sso_token":                       {"client_id": "client_123", "client_secret": DefaultAPIKey, "grant_type": "authorization_code", "code": fx["sso_code"]},
		"cors_origins_create_cors_origin": {"origin": "https://app.acme.com"},
	}
	if b, ok := special[op.Name]; ok {
		return b
	}
	if op.Body == nil {
		return nil
	}
	var sc map[string]any
	_ = json.Unmarshal(op.Body.Schema, &sc)
	out := map[string]any{}
	flat := flatten(sc, nil)
	for _, k := range required(flat) {
		pm, _ := props(flat)[k].(map[string]any)
		out[k] = synth(pm, time.Now(), 0)
	}
	return out
}

func TestValidationWalk(t *testing.T) {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Skipf("spec not available (%v)", err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	// The spec repeats names in some "required" arrays (e.g. OrganizationList lists
	// list_metadata twice), which the 2020-12 metaschema rejects: dedupe them.
	dedupeRequired(doc)
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	if err := comp.AddResource("https://spec.local/openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]any `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	e, err := New(&Options{})
	if err != nil {
		t.Fatal(err)
	}
	esc := func(s string) string {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
		return url.PathEscape(s)
	}
	covered := 0
	for _, op := range e.cat.Operations() {
		t.Run(op.Name, func(t *testing.T) {
			if err := e.Reset(); err != nil {
				t.Fatal(err)
			}
			fx := fixtures(t, e)
			e.mu.RLock()
			for _, d := range e.store.all("organization_domains") {
				if d["state"] != "verified" {
					fx["domain"] = str(d["id"])
				}
			}
			e.mu.RUnlock()
			// an authorization code for sso_token
			req := httptest.NewRequest("GET", "/sso/authorize?client_id=client_123&redirect_uri=https://acme.com/cb&response_type=code&organization="+acmeID, nil)
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			loc, _ := url.Parse(w.Header().Get("Location"))
			fx["sso_code"] = loc.Query().Get("code")

			path := op.Path
			q := url.Values{}
			for _, p := range op.Params {
				switch p.In {
				case catalog.InPath:
					path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(idFor(op, p.Name, fx)))
				case catalog.InQuery:
					if !p.Required {
						continue
					}
					v := ""
					switch {
					case len(p.Enum) > 0:
						v = p.Enum[0]
					case p.Name == "permission_slug":
						v = "workspaces:read"
					case p.Name == "session_id":
						v = fx["session"]
					case p.Name == "redirect_uri" || p.Name == "return_to":
						v = "https://acme.com/cb"
					default:
						var ps map[string]any
						_ = json.Unmarshal(p.Schema, &ps)
						v = fmt.Sprint(synth(ps, time.Now(), 0))
					}
					q.Set(p.Name, v)
				}
			}
			if op.Name == "authorization_list_resources_for_membership" {
				q.Set("parent_resource_id", engID)
			}
			if op.Name == "data_integrations_user_management_create_user_data_installation" {
				do(t, e, "DELETE", "/user_management/users/"+aliceID+"/connected_accounts/github", "")
			}
			if op.Name == "userland_user_organization_memberships_list" {
				q.Set("organization_id", acmeID)
			}
			if op.Name == "sso_token" {
				q = url.Values{}
			}
			target := path
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			if op.Name == "sso_logout_authorize" {
				_, out, _ := do(t, e, "POST", "/sso/token", `{"client_id":"client_123","client_secret":"`+DefaultAPIKey+`","grant_type":"authorization_code","code":"`+fx["sso_code"]+`"}`)
				fx["profile"] = str(decode(t, out)["profile"].(map[string]any)["id"])
			}
			var body string
			if b := bodyFor(op, fx); b != nil {
				data, _ := json.Marshal(b)
				body = string(data)
			}
			req = httptest.NewRequest(op.Method, target, strings.NewReader(body))
			switch op.Auth {
			case catalog.AuthAPIKey:
				req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
			case catalog.AuthAccessToken:
				// get a real SSO access token first
				c2, out, _ := do(t, e, "POST", "/sso/token", `{"client_id":"client_123","client_secret":"`+DefaultAPIKey+`","grant_type":"authorization_code","code":"`+fx["sso_code"]+`"}`)
				var tok map[string]any
				_ = json.Unmarshal([]byte(out), &tok)
				if c2 != 200 {
					t.Fatalf("sso_token: %d %s", c2, out)
				}
				req.Header.Set("Authorization", "Bearer "+str(tok["access_token"]))
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			eventsBefore := len(objs(e, "events", nil))
			w = httptest.NewRecorder()
			e.ServeHTTP(w, req)
			if op.Access != catalog.Read && !changesNothing[op.Name] && e.handlerFor(op.Name) != nil && w.Code < 300 && len(objs(e, "events", nil)) == eventsBefore {
				t.Errorf("mutation %s emitted no event", op.Name)
			}
			if w.Header().Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID")
			}
			status := w.Code
			documented := false
			for _, r := range op.Responses {
				if r.Status == status {
					documented = true
				}
			}
			if !documented {
				t.Fatalf("%s %s -> %d, not a documented success status; body %s", op.Method, target, status, w.Body.String())
			}
			if status == 302 {
				if w.Header().Get("Location") == "" {
					t.Error("302 without Location")
				}
				return
			}
			content := spec.Paths[op.Path][strings.ToLower(op.Method)].Responses[fmt.Sprint(status)].Content
			if _, ok := content["application/json"]; !ok {
				return // no documented body
			}
			loc2 := "https://spec.local/openapi.json#/paths/" + esc(op.Path) + "/" + strings.ToLower(op.Method) + "/responses/" + fmt.Sprint(status) + "/content/application~1json/schema"
			sch, err := comp.Compile(loc2)
			if err != nil {
				t.Fatalf("compile %s: %v", loc2, err)
			}
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(w.Body.String()))
			if err != nil {
				t.Fatalf("response is not JSON: %v: %s", err, w.Body.String())
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("%s %s -> %d does not validate: %v\nbody: %s", op.Method, target, status, err, w.Body.String())
			}
			covered++
		})
	}
	t.Logf("validated %d response bodies over %d operations", covered, len(e.cat.Operations()))
}

func TestHandlersNameCatalogOperations(t *testing.T) {
	cat := catalog.Default()
	var unknown []string
	for name := range buildHandlers() {
		if _, err := cat.Lookup(name); err != nil {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		t.Errorf("handlers for operations not in the catalog: %v", unknown)
	}
}

var _ http.Handler = (*Emulator)(nil)

// dedupeRequired removes repeated names from every "required" array in a decoded JSON document.
func dedupeRequired(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if arr, ok := val.([]any); ok && k == "required" {
				seen := map[any]bool{}
				out := arr[:0]
				for _, s := range arr {
					if !seen[s] {
						seen[s] = true
						out = append(out, s)
					}
				}
				x[k] = out
				continue
			}
			dedupeRequired(val)
		}
	case []any:
		for _, e := range x {
			dedupeRequired(e)
		}
	}
}
