package emulator

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// roundTripStep is one request of a round trip: {{name}} in path or body is
// replaced by a value saved from an earlier answer; want holds expected values
// by dotted path in the answer ("data.0.slug", "#data" for a list's length);
// save names values to keep.
type roundTripStep struct {
	method, path, body string
	status             int
	want               map[string]any
	save               map[string]string // name -> dotted path
}

var placeholder = regexp.MustCompile(`\{\{(\w+)\}\}`)

// runRoundTrip runs steps in order against a fresh emulator.
func runRoundTrip(t *testing.T, steps []roundTripStep) {
	t.Helper()
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	saved := map[string]string{}
	fill := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string { return saved[m[2:len(m)-2]] })
	}
	for i, s := range steps {
		path, body := fill(s.path), fill(s.body)
		code, out, _ := do(t, e, s.method, path, body)
		if code != s.status {
			t.Fatalf("step %d %s %s: status %d, want %d; body %s", i, s.method, path, code, s.status, out)
		}
		var v any
		if out != "" {
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("step %d: %v in %s", i, err, out)
			}
		}
		got, want := map[string]any{}, map[string]any{}
		for k, w := range s.want {
			got[k] = dig(v, k)
			if ws, ok := w.(string); ok {
				w = fill(ws)
			}
			want[k] = w
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("step %d %s %s (-want +got):\n%s\nbody %s", i, s.method, path, diff, out)
		}
		for name, p := range s.save {
			saved[name] = fmt.Sprint(dig(v, p))
		}
	}
}

// dig returns the value at a dotted path ("a.0.b"); "#a" is the length of the list at a.
func dig(v any, path string) any {
	count := strings.HasPrefix(path, "#")
	for _, k := range strings.Split(strings.TrimPrefix(path, "#"), ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			var i int
			if _, err := fmt.Sscan(k, &i); err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	if count {
		l, _ := v.([]any)
		return float64(len(l))
	}
	return v
}

// TestDataIntegrationsRoundTrip: an integration is created, read, listed,
// updated, connected to by a user (API key, then OAuth tokens), vends that
// credential, and is deleted with its connected accounts.
func TestDataIntegrationsRoundTrip(t *testing.T) {
	user := "/user_management/users/" + aliceID
	runRoundTrip(t, []roundTripStep{
		{method: "GET", path: "/data-integrations/github", status: 404, want: map[string]any{"code": "entity_not_found"}},
		{method: "POST", path: "/data-integrations", body: `{"provider":"github","scopes":["repo","read:user"]}`, status: 201,
			want: map[string]any{"object": "data_integration", "slug": "github", "integration_type": "github", "enabled": true}, save: map[string]string{"id": "id"}},
		{method: "POST", path: "/data-integrations", body: `{"provider":"github"}`, status: 409, want: map[string]any{"code": "data_integration_already_exists"}},
		{method: "GET", path: "/data-integrations/github", status: 200, want: map[string]any{"id": "{{id}}", "scopes": []any{"repo", "read:user"}}},
		{method: "GET", path: "/data-integrations", status: 200, want: map[string]any{"#data": 1.0, "data.0.slug": "github"}},
		{method: "PUT", path: "/data-integrations/github", body: `{"description":"Code","credentials":{"type":"custom","client_id":"Iv1.abc","client_secret":"shhh-secret"}}`, status: 200,
			want: map[string]any{"description": "Code", "credentials.client_id": "Iv1.abc", "credentials.redacted_client_secret": "****cret"}},
		{method: "POST", path: "/data-integrations/github/credentials", body: `{"user_id":"` + aliceID + `"}`, status: 200,
			want: map[string]any{"active": false, "error": "not_installed"}},
		{method: "PUT", path: "/data-integrations/github/api-key", body: `{"user_id":"` + aliceID + `","secret":"ghp_secret1234"}`, status: 200,
			want: map[string]any{"object": "connected_account", "auth_method": "api_key", "api_key_last_4": "1234", "state": "connected"}},
		{method: "POST", path: "/data-integrations/github/credentials", body: `{"user_id":"` + aliceID + `"}`, status: 200,
			want: map[string]any{"active": true, "credential.auth_method": "api_key", "credential.value": "ghp_secret1234"}},
		{method: "GET", path: user + "/connected_accounts/github", status: 200, want: map[string]any{"user_id": aliceID, "auth_method": "api_key"}},
		{method: "POST", path: user + "/connected_accounts/github", body: `{"access_token":"gho_1"}`, status: 409, want: map[string]any{"code": "connected_account_already_exists"}},
		{method: "DELETE", path: user + "/connected_accounts/github", status: 204},
		{method: "POST", path: user + "/connected_accounts/github", body: `{"access_token":"gho_1","scopes":["repo"],"expires_at":"2030-01-01T00:00:00.000Z"}`, status: 201,
			want: map[string]any{"auth_method": "oauth", "scopes": []any{"repo"}, "state": "connected"}},
		{method: "POST", path: "/data-integrations/github/token", body: `{"user_id":"` + aliceID + `"}`, status: 200,
			want: map[string]any{"active": true, "access_token.access_token": "gho_1", "access_token.missing_scopes": []any{"read:user"}}},
		{method: "PUT", path: user + "/connected_accounts/github", body: `{"state":"needs_reauthorization"}`, status: 200, want: map[string]any{"state": "needs_reauthorization"}},
		{method: "POST", path: "/data-integrations/github/token", body: `{"user_id":"` + aliceID + `"}`, status: 200,
			want: map[string]any{"active": false, "error": "needs_reauthorization"}},
		{method: "GET", path: user + "/data_providers", status: 200, want: map[string]any{"#data": 1.0, "data.0.slug": "github", "data.0.connected_account.state": "needs_reauthorization"}},
		{method: "PUT", path: "/organizations/" + acmeID + "/data_integration_configurations/github", body: `{"enabled":false,"client_id":"Iv1.acme","client_secret":"acme-secret"}`, status: 200,
			want: map[string]any{"object": "data_integration_configuration", "enabled": false, "credentials.credentials_type": "organization", "credentials.client_secret_last_four": "cret"}},
		{method: "GET", path: "/organizations/" + acmeID + "/data_integration_configurations", status: 200, want: map[string]any{"#data": 1.0, "data.0.slug": "github"}},
		{method: "POST", path: "/data-integrations/github/authorize", body: `{"user_id":"` + aliceID + `"}`, status: 200, want: map[string]any{}},
		{method: "DELETE", path: "/data-integrations/github", status: 204},
		{method: "GET", path: "/data-integrations/github", status: 404},
		{method: "GET", path: user + "/connected_accounts/github", status: 404},
		{method: "GET", path: "/organizations/" + acmeID + "/data_integration_configurations", status: 200, want: map[string]any{"#data": 0.0}},
	})
}

// TestVaultDataKeysRoundTrip: a data key decrypts back from its encrypted form,
// rekeying keeps the key under a new context, and foreign keys do not decrypt.
func TestVaultDataKeysRoundTrip(t *testing.T) {
	runRoundTrip(t, []roundTripStep{
		{method: "POST", path: "/vault/v1/keys/data-key", body: `{"context":{"organization_id":"` + acmeID + `"}}`, status: 200,
			want: map[string]any{"context.organization_id": acmeID}, save: map[string]string{"id": "id", "key": "data_key", "enc": "encrypted_keys"}},
		{method: "POST", path: "/vault/v1/keys/decrypt", body: `{"keys":"{{enc}}"}`, status: 200, want: map[string]any{"id": "{{id}}", "data_key": "{{key}}"}},
		{method: "POST", path: "/vault/v1/keys/rekey", body: `{"encrypted_keys":"{{enc}}","context":{"organization_id":"` + globexID + `"}}`, status: 200,
			want: map[string]any{"data_key": "{{key}}", "context.organization_id": globexID}, save: map[string]string{"enc2": "encrypted_keys"}},
		{method: "POST", path: "/vault/v1/keys/decrypt", body: `{"keys":"{{enc2}}"}`, status: 200, want: map[string]any{"data_key": "{{key}}"}},
		{method: "POST", path: "/vault/v1/keys/decrypt", body: `{"keys":"bm90LWEta2V5"}`, status: 400, want: map[string]any{"code": "invalid_encrypted_keys"}},
		{method: "POST", path: "/vault/v1/keys/data-key", body: `{"context":{}}`, status: 422, want: map[string]any{"code": "invalid_request_parameters"}},
	})
}

// TestRadarChallengesRoundTrip: an SMS challenge is stored and read back with its
// code; a standalone attempt from an assessment is updated.
func TestRadarChallengesRoundTrip(t *testing.T) {
	runRoundTrip(t, []roundTripStep{
		{method: "POST", path: "/user_management/radar_challenges", body: `{"user_id":"` + aliceID + `","pending_authentication_token":"tok","phone_number":"+15555550123"}`, status: 201,
			want: map[string]any{"phone_number": "+15555550123"}, save: map[string]string{"id": "verification_id"}},
		{method: "GET", path: "/user_management/radar_challenges/{{id}}", status: 200, want: map[string]any{"id": "{{id}}", "user_id": aliceID, "email": "alice@acme.com"}},
		{method: "GET", path: "/user_management/radar_challenges/radar_challenge_01HNOPE0000000000000000000", status: 404},
		{method: "POST", path: "/user_management/radar_challenges", body: `{"user_id":"` + aliceID + `","pending_authentication_token":"tok","phone_number":"555"}`, status: 422},
		{method: "POST", path: "/radar/attempts", body: `{"ip_address":"203.0.113.7","user_agent":"test","email":"alice@acme.com","auth_method":"Password","action":"sign-in"}`, status: 200,
			save: map[string]string{"attempt": "attempt_id"}},
		{method: "PUT", path: "/radar/attempts/{{attempt}}", body: `{"attempt_status":"success","challenge_status":"success"}`, status: 204},
		{method: "PUT", path: "/radar/attempts/{{attempt}}", body: `{"attempt_status":"failed"}`, status: 400},
		{method: "PUT", path: "/radar/attempts/radar_attempt_01HNOPE00000000000000000000", body: `{}`, status: 404},
	})
}

// TestAccessTokenVerifiesWithJWKS: a session's access token is RS256-signed by
// the key GET /sso/jwks/{clientId} publishes.
func TestAccessTokenVerifiesWithJWKS(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := do(t, e, "POST", "/user_management/authenticate", `{"client_id":"client_123","client_secret":"`+DefaultAPIKey+`","grant_type":"password","email":"alice@acme.com","password":"Password123!"}`)
	if code != 200 {
		t.Fatalf("authenticate: %d %s", code, out)
	}
	tok := str(decode(t, out)["access_token"])
	code, out, _ = do(t, e, "GET", "/sso/jwks/client_123", "")
	if code != 200 {
		t.Fatalf("jwks: %d %s", code, out)
	}
	var set struct {
		Keys []struct{ Alg, Kty, Kid, N, E string }
	}
	if err := json.Unmarshal([]byte(out), &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks body %s: %v", out, err)
	}
	k := set.Keys[0]
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("access token %q is not a JWS", tok)
	}
	enc := base64.RawURLEncoding
	var hdr struct{ Alg, Kid string }
	h, _ := enc.DecodeString(parts[0])
	_ = json.Unmarshal(h, &hdr)
	if diff := cmp.Diff([]string{"RS256", "RSA", k.Kid}, []string{hdr.Alg, k.Kty, hdr.Kid}); diff != "" {
		t.Errorf("token header and key (-want +got):\n%s", diff)
	}
	n, _ := enc.DecodeString(k.N)
	ev, _ := enc.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(ev).Int64())}
	sig, _ := enc.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Errorf("the access token does not verify with the published key: %v", err)
	}
}

// TestAuthorizedApplicationsRoundTrip: signing in through a third-party Connect
// application records a grant, listed for the user and the organization, and
// deleting it revokes it.
func TestAuthorizedApplicationsRoundTrip(t *testing.T) {
	users := "/user_management/users/" + aliceID + "/authorized_applications"
	runRoundTrip(t, []roundTripStep{
		{method: "POST", path: "/connect/applications", body: `{"name":"Reports","application_type":"oauth","is_first_party":false,"scopes":["openid","profile"],"redirect_uris":[{"uri":"https://reports.example.com/cb"}]}`, status: 201,
			save: map[string]string{"app": "id", "client": "client_id"}},
		{method: "GET", path: users, status: 200, want: map[string]any{"#data": 0.0}},
		{method: "POST", path: "/user_management/authenticate", body: `{"client_id":"{{client}}","client_secret":"` + DefaultAPIKey + `","grant_type":"password","email":"alice@acme.com","password":"Password123!"}`, status: 200},
		{method: "GET", path: users, status: 200, want: map[string]any{"#data": 1.0, "data.0.object": "authorized_connect_application",
			"data.0.application.id": "{{app}}", "data.0.granted_scopes": []any{"openid", "profile"}}},
		{method: "GET", path: "/organizations/" + acmeID + "/authorized_applications", status: 200, want: map[string]any{"#data": 1.0, "data.0.user_id": aliceID}},
		{method: "GET", path: "/organizations/" + globexID + "/authorized_applications", status: 200, want: map[string]any{"#data": 0.0}},
		{method: "DELETE", path: users + "/{{app}}", status: 204},
		{method: "GET", path: users, status: 200, want: map[string]any{"#data": 0.0}},
		{method: "DELETE", path: users + "/{{app}}", status: 404},
	})
}

// TestSSOLogoutRoundTrip: logout_authorize issues a token for a signed-in
// profile; following its logout_url ends that profile's access tokens.
func TestSSOLogoutRoundTrip(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", "/sso/authorize?client_id=client_123&redirect_uri=https://acme.com/cb&response_type=code&organization="+acmeID, nil))
	loc, _ := url.Parse(w.Header().Get("Location"))
	code, out, _ := do(t, e, "POST", "/sso/token", `{"client_id":"client_123","client_secret":"`+DefaultAPIKey+`","grant_type":"authorization_code","code":"`+loc.Query().Get("code")+`"}`)
	if code != 200 {
		t.Fatalf("sso_token: %d %s", code, out)
	}
	tok := decode(t, out)
	access, profile := str(tok["access_token"]), str(tok["profile"].(map[string]any)["id"])
	profileStatus := func() int {
		req := httptest.NewRequest("GET", "/sso/profile", nil)
		req.Header.Set("Authorization", "Bearer "+access)
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		return w.Code
	}
	if s := profileStatus(); s != 200 {
		t.Fatalf("profile before logout: %d", s)
	}
	if code, out, _ := do(t, e, "POST", "/sso/logout/authorize", `{"profile_id":"prof_01HNOPE0000000000000000000"}`); code != 404 {
		t.Errorf("logout_authorize for an unknown profile: %d %s", code, out)
	}
	code, out, _ = do(t, e, "POST", "/sso/logout/authorize", `{"profile_id":"`+profile+`"}`)
	if code != 200 {
		t.Fatalf("logout_authorize: %d %s", code, out)
	}
	lu, err := url.Parse(str(decode(t, out)["logout_url"]))
	if err != nil || lu.Query().Get("token") != str(decode(t, out)["logout_token"]) {
		t.Fatalf("logout_url %v does not carry the logout token (%v)", lu, err)
	}
	w = httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", lu.RequestURI()+"&return_to=https://acme.com/bye", nil))
	if w.Code != 302 || w.Header().Get("Location") != "https://acme.com/bye" {
		t.Errorf("logout redirect: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if s := profileStatus(); s != 401 {
		t.Errorf("profile after logout: %d, want 401", s)
	}
}

// TestClientAPIToken: a client API token names its user and organization and
// verifies with the JWKS key; unknown ones are 404.
func TestClientAPIToken(t *testing.T) {
	e, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := do(t, e, "POST", "/client/token", `{"organization_id":"`+acmeID+`","user_id":"`+aliceID+`"}`)
	if code != 201 {
		t.Fatalf("client token: %d %s", code, out)
	}
	parts := strings.Split(str(decode(t, out)["token"]), ".")
	if len(parts) != 3 {
		t.Fatalf("token %s is not a JWS", out)
	}
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Sub   string `json:"sub"`
		OrgID string `json:"org_id"`
	}
	_ = json.Unmarshal(p, &claims)
	if diff := cmp.Diff([]string{aliceID, acmeID}, []string{claims.Sub, claims.OrgID}); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	for _, body := range []string{`{"organization_id":"org_01HNOPE0000000000000000000","user_id":"` + aliceID + `"}`, `{"organization_id":"` + acmeID + `","user_id":"user_01HNOPE000000000000000000"}`} {
		if code, out, _ := do(t, e, "POST", "/client/token", body); code != 404 {
			t.Errorf("%s: %d %s, want 404", body, code, out)
		}
	}
}
