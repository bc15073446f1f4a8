package emulator

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const initechID = "org_01H1N1TECH00000000000000NT"

// authSchemas compiles the spec's authenticate and device-authorization responses
// once per test binary; nil when the spec is not available.
var authSchemas = sync.OnceValue(func() *jsonschema.Compiler {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return nil
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil
	}
	dedupeRequired(doc)
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	if err := comp.AddResource("https://spec.local/openapi.json", doc); err != nil {
		return nil
	}
	return comp
})

// checkSpec validates an answer of POST path against the spec's response schema
// for its status (skipped without the spec).
func checkSpec(t *testing.T, path string, status int, body string) {
	t.Helper()
	comp := authSchemas()
	if comp == nil {
		return
	}
	esc := url.PathEscape(strings.ReplaceAll(path, "/", "~1"))
	sch, err := comp.Compile(fmt.Sprintf("https://spec.local/openapi.json#/paths/%s/post/responses/%d/content/application~1json/schema", esc, status))
	if err != nil {
		t.Fatalf("no schema for POST %s %d: %v", path, status, err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("POST %s -> %d does not validate: %v\nbody: %s", path, status, err, body)
	}
}

// authn posts an authenticate body (client_id and client_secret added), checks the
// answer against the spec and returns the status and the decoded body.
func authn(t *testing.T, e *Emulator, fields map[string]any) (int, map[string]any) {
	t.Helper()
	b := map[string]any{"client_id": "client_test", "client_secret": DefaultAPIKey}
	for k, v := range fields {
		b[k] = v
	}
	data, _ := json.Marshal(b)
	code, out, _ := do(t, e, "POST", "/user_management/authenticate", string(data))
	checkSpec(t, "/user_management/authenticate", code, out)
	return code, decode(t, out)
}

// claims decodes a JWT's payload.
func claims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, string(p))
}

// settableClock is a clock tests move by hand.
type settableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *settableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *settableClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func addMembership(t *testing.T, e *Emulator, user, org string) {
	t.Helper()
	code, out, _ := do(t, e, "POST", "/user_management/organization_memberships",
		fmt.Sprintf(`{"user_id":%q,"organization_id":%q,"role_slug":"member"}`, user, org))
	if code != 201 {
		t.Fatalf("membership: %d %s", code, out)
	}
}

func password(email string) map[string]any {
	return map[string]any{"grant_type": "password", "email": email, "password": "Password123!"}
}

func TestOrganizationSelection(t *testing.T) {
	e := newTest(t, nil)
	addMembership(t, e, aliceID, globexID)

	code, m := authn(t, e, password("alice@acme.com"))
	if code != 403 {
		t.Fatalf("password with two organizations: %d %v", code, m)
	}
	tok := str(m["pending_authentication_token"])
	want := map[string]any{
		"code":          "organization_selection_required",
		"message":       "The user must choose an organization to finish their authentication.",
		"organizations": []any{map[string]any{"id": acmeID, "name": "Acme Corp"}, map[string]any{"id": globexID, "name": "Globex"}},
		"email":         "alice@acme.com",
	}
	got := map[string]any{"code": m["code"], "message": m["message"], "organizations": m["organizations"], "email": m["user"].(map[string]any)["email"]}
	if diff := cmp.Diff(want, got); diff != "" || tok == "" {
		t.Fatalf("organization_selection_required (-want +got):\n%s\ntoken %q", diff, tok)
	}
	if n := len(objs(e, "sessions", where("user_id", aliceID))); n != 0 {
		t.Errorf("%d sessions before selection", n)
	}

	sel := func(token, org string) (int, map[string]any) {
		return authn(t, e, map[string]any{"grant_type": grantOrgSelection, "pending_authentication_token": token, "organization_id": org})
	}
	tests := []struct {
		name, token, org string
		status           int
		code             string
	}{
		{"organization the user is not in", tok, initechID, 400, "invalid_organization_id"},
		{"unknown token", "nope", globexID, 400, "invalid_pending_authentication_token"},
		{"selection", tok, globexID, 200, ""},
		{"token used twice", tok, globexID, 400, "invalid_pending_authentication_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m := sel(tt.token, tt.org)
			if status != tt.status || str(m["code"]) != tt.code {
				t.Fatalf("%d %v, want %d %q", status, m, tt.status, tt.code)
			}
			if status == 200 {
				if m["organization_id"] != globexID || claims(t, str(m["access_token"]))["org_id"] != globexID {
					t.Errorf("signed into %v", m["organization_id"])
				}
				s := one(t, e, "sessions", where("user_id", aliceID))
				if s["organization_id"] != globexID || s["auth_method"] != "password" {
					t.Errorf("session %v", s)
				}
			}
		})
	}

	// An explicit organization skips the selection; a refresh keeps it.
	code, m = authn(t, e, map[string]any{"grant_type": "password", "email": "alice@acme.com", "password": "Password123!", "organization_id": acmeID})
	if code != 200 || m["organization_id"] != acmeID {
		t.Fatalf("password with organization_id: %d %v", code, m)
	}
	code, m = authn(t, e, map[string]any{"grant_type": "refresh_token", "refresh_token": m["refresh_token"]})
	if code != 200 || m["organization_id"] != acmeID {
		t.Errorf("refresh: %d %v", code, m)
	}
	// One active membership: no selection.
	if code, m := authn(t, e, password("bob@acme.com")); code != 200 || m["organization_id"] != acmeID {
		t.Errorf("bob: %d %v", code, m)
	}
	// A deactivated membership does not count.
	om := one(t, e, "organization_memberships", where("user_id", aliceID, "organization_id", globexID))
	if c, out, _ := do(t, e, "PUT", "/user_management/organization_memberships/"+str(om["id"])+"/deactivate", ""); c != 200 {
		t.Fatalf("deactivate: %d %s", c, out)
	}
	if code, m := authn(t, e, password("alice@acme.com")); code != 200 || m["organization_id"] != acmeID {
		t.Errorf("alice after deactivation: %d %v", code, m)
	}
}

func TestMFAChallenge(t *testing.T) {
	clk := &settableClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newTest(t, &Options{Clock: clk.Now})

	// Enrolment alone (factor not verified yet) does not ask for MFA.
	code, out, _ := do(t, e, "POST", "/user_management/users/"+bobID+"/auth_factors", `{"type":"totp","totp_issuer":"Acme","totp_user":"bob@acme.com"}`)
	if code != 201 && code != 200 {
		t.Fatalf("enroll: %d %s", code, out)
	}
	enrolled := decode(t, out)
	factor := enrolled["authentication_factor"].(map[string]any)
	fid, secret := str(factor["id"]), str(factor["totp"].(map[string]any)["secret"])
	if code, m := authn(t, e, password("bob@acme.com")); code != 200 {
		t.Fatalf("unverified factor: %d %v", code, m)
	}
	chID := str(enrolled["authentication_challenge"].(map[string]any)["id"])
	code, out, _ = do(t, e, "POST", "/auth/challenges/"+chID+"/verify", `{"code":"`+TOTPCode(secret, clk.Now())+`"}`)
	if code != 201 || decode(t, out)["valid"] != true {
		t.Fatalf("verify: %d %s", code, out)
	}

	start := func() string {
		t.Helper()
		code, m := authn(t, e, password("bob@acme.com"))
		want := map[string]any{"code": "mfa_challenge", "factors": []any{map[string]any{"id": fid, "type": "totp"}}, "user": bobID}
		got := map[string]any{"code": m["code"], "factors": m["authentication_factors"], "user": m["user"].(map[string]any)["id"]}
		if diff := cmp.Diff(want, got); code != 403 || diff != "" {
			t.Fatalf("password with a verified factor: %d (-want +got):\n%s", code, diff)
		}
		return str(m["pending_authentication_token"])
	}
	challenge := func() string {
		t.Helper()
		code, out, _ := do(t, e, "POST", "/auth/factors/"+fid+"/challenge", `{}`)
		if code != 201 && code != 200 {
			t.Fatalf("challenge: %d %s", code, out)
		}
		return str(decode(t, out)["id"])
	}
	mfa := func(tok, ch, code string) (int, map[string]any) {
		return authn(t, e, map[string]any{"grant_type": grantMFATOTP, "pending_authentication_token": tok, "authentication_challenge_id": ch, "code": code})
	}

	tok, ch := start(), challenge()
	wrong := fmt.Sprintf("%06d", (mustAtoi(t, TOTPCode(secret, clk.Now()))+1)%1000000)
	tests := []struct {
		name, tok, ch, code string
		status              int
		errCode             string
	}{
		{"wrong code", tok, ch, wrong, 400, "invalid_one_time_code"},
		{"unknown challenge", tok, "auth_challenge_nope", TOTPCode(secret, clk.Now()), 400, "invalid_one_time_code"},
		{"unknown token", "nope", ch, TOTPCode(secret, clk.Now()), 400, "invalid_pending_authentication_token"},
		{"right code", tok, ch, TOTPCode(secret, clk.Now()), 200, ""},
		{"token used twice", tok, ch, TOTPCode(secret, clk.Now()), 400, "invalid_pending_authentication_token"},
		{"challenge used twice", start(), ch, TOTPCode(secret, clk.Now()), 400, "one_time_code_previously_used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m := mfa(tt.tok, tt.ch, tt.code)
			if status != tt.status || str(m["code"]) != tt.errCode {
				t.Fatalf("%d %v, want %d %q", status, m, tt.status, tt.errCode)
			}
			if status == 200 && (m["organization_id"] != acmeID || str(m["refresh_token"]) == "") {
				t.Errorf("signed in: %v", m)
			}
		})
	}

	// An organization-selection token does not complete MFA, and vice versa.
	tok, ch = start(), challenge()
	if code, m := authn(t, e, map[string]any{"grant_type": grantOrgSelection, "pending_authentication_token": tok, "organization_id": acmeID}); code != 400 || m["code"] != "invalid_pending_authentication_token" {
		t.Errorf("mfa token for selection: %d %v", code, m)
	}
	// An expired challenge.
	clk.Add(11 * time.Minute)
	tok = start()
	if code, m := mfa(tok, ch, TOTPCode(secret, clk.Now())); code != 400 || m["code"] != "one_time_code_expired" {
		t.Errorf("expired challenge: %d %v", code, m)
	}
	// Five wrong codes lock a challenge.
	ch = challenge()
	for i := 0; i < 5; i++ {
		mfa(tok, ch, "000000x")
	}
	if code, m := mfa(tok, ch, TOTPCode(secret, clk.Now())); code != 400 || m["code"] != "one_time_code_too_many_attempts" {
		t.Errorf("after five wrong codes: %d %v", code, m)
	}
	// An expired pending token.
	ch = challenge()
	clk.Add(pendingTTL + time.Second)
	if code, m := mfa(tok, ch, TOTPCode(secret, clk.Now())); code != 400 || m["code"] != "invalid_pending_authentication_token" {
		t.Errorf("expired token: %d %v", code, m)
	}

	// MFA first, then organization selection.
	addMembership(t, e, bobID, globexID)
	tok, ch = start(), challenge()
	code, m := mfa(tok, ch, TOTPCode(secret, clk.Now()))
	if code != 403 || m["code"] != "organization_selection_required" {
		t.Fatalf("mfa for a user in two organizations: %d %v", code, m)
	}
	code, m = authn(t, e, map[string]any{"grant_type": grantOrgSelection, "pending_authentication_token": m["pending_authentication_token"], "organization_id": globexID})
	if code != 200 || m["organization_id"] != globexID || m["authentication_method"] != "Password" {
		t.Errorf("selection after mfa: %d %v", code, m)
	}
	// An invitation is accepted only once MFA is passed, and chooses the organization.
	code, out, _ = do(t, e, "POST", "/user_management/invitations", `{"email":"bob@acme.com","organization_id":"`+initechID+`"}`)
	if code != 201 {
		t.Fatalf("invitation: %d %s", code, out)
	}
	inv := decode(t, out)
	b := password("bob@acme.com")
	b["invitation_token"] = inv["token"]
	code, m = authn(t, e, b)
	if code != 403 || m["code"] != "mfa_challenge" || one(t, e, "invitations", where("id", str(inv["id"])))["state"] != "pending" {
		t.Fatalf("password with an invitation: %d %v", code, m)
	}
	code, m = mfa(str(m["pending_authentication_token"]), challenge(), TOTPCode(secret, clk.Now()))
	if code != 200 || m["organization_id"] != initechID || one(t, e, "invitations", where("id", str(inv["id"])))["state"] != "accepted" {
		t.Errorf("mfa with an invitation: %d %v", code, m)
	}
	if n := len(objs(e, "events", where("event", "authentication.mfa_succeeded"))); n < 2 {
		t.Errorf("%d authentication.mfa_succeeded events", n)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeviceCodeFlow(t *testing.T) {
	clk := &settableClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newTest(t, &Options{Clock: clk.Now})
	authorize := func(e *Emulator) map[string]any {
		t.Helper()
		req := httptest.NewRequest("POST", "/user_management/authorize/device", strings.NewReader(`{"client_id":"client_cli"}`))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req) // public: no API key
		if w.Code != 200 {
			t.Fatalf("device authorization: %d %s", w.Code, w.Body.String())
		}
		checkSpec(t, "/user_management/authorize/device", 200, w.Body.String())
		return decode(t, w.Body.String())
	}
	poll := func(e *Emulator, d map[string]any) (int, map[string]any) {
		t.Helper()
		return authn(t, e, map[string]any{"grant_type": grantDeviceCode, "device_code": d["device_code"]})
	}
	control := func(body string) (int, map[string]any) {
		t.Helper()
		req := httptest.NewRequest("POST", "/_emulate/device", strings.NewReader(body))
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		return w.Code, decode(t, w.Body.String())
	}

	d := authorize(e)
	uc := str(d["user_code"])
	if len(uc) != 9 || uc[4] != '-' || d["expires_in"] != float64(300) || d["interval"] != float64(5) ||
		d["verification_uri_complete"] != str(d["verification_uri"])+"?user_code="+uc {
		t.Errorf("device authorization %v", d)
	}
	steps := []struct {
		name    string
		advance time.Duration
		approve string
		status  int
		errCode string
	}{
		{"pending", 0, "", 400, "authorization_pending"},
		{"polled within the interval", time.Second, "", 400, "slow_down"},
		{"after the interval", 5 * time.Second, "", 400, "authorization_pending"},
		{"approved as carol", 5 * time.Second, `{"user_code":"` + uc + `","email":"carol@globex.com"}`, 200, ""},
		{"code used twice", 5 * time.Second, "", 400, "invalid_grant"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clk.Add(s.advance)
			if s.approve != "" {
				if code, m := control(s.approve); code != 200 || m["status"] != "approved" {
					t.Fatalf("approve: %d %v", code, m)
				}
			}
			status, m := poll(e, d)
			if status != s.status || str(m["error"]) != s.errCode {
				t.Fatalf("%d %v, want %d %q", status, m, s.status, s.errCode)
			}
			if status == 200 && (m["user"].(map[string]any)["email"] != "carol@globex.com" || m["organization_id"] != globexID) {
				t.Errorf("signed in %v", m)
			}
		})
	}

	// Approval errors.
	if code, m := control(`{"user_code":"` + uc + `"}`); code != 404 || !strings.Contains(str(m["message"]), "no pending device authorization") {
		t.Errorf("approving a used code: %d %v", code, m)
	}
	d2 := authorize(e)
	if err := e.ApproveDevice(DeviceApproval{UserCode: str(d2["user_code"]), Email: "nobody@example.com"}); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("unknown email: %v", err)
	}
	// Denied.
	if err := e.ApproveDevice(DeviceApproval{UserCode: str(d2["user_code"]), Deny: true}); err != nil {
		t.Fatal(err)
	}
	if code, m := poll(e, d2); code != 400 || m["error"] != "access_denied" {
		t.Errorf("denied: %d %v", code, m)
	}
	// Expired.
	d3 := authorize(e)
	clk.Add(301 * time.Second)
	if code, m := poll(e, d3); code != 400 || m["error"] != "expired_token" {
		t.Errorf("expired: %d %v", code, m)
	}
	if err := e.ApproveDevice(DeviceApproval{UserCode: str(d3["user_code"])}); !errors.Is(err, ErrDeviceNotPending) {
		t.Errorf("approving an expired code: %v", err)
	}
	// Opening verification_uri_complete (GET) approves as the first user.
	d4 := authorize(e)
	u, _ := url.Parse(str(d4["verification_uri_complete"]))
	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", u.RequestURI(), nil))
	if w.Code != 200 {
		t.Fatalf("GET %s: %d %s", u.RequestURI(), w.Code, w.Body.String())
	}
	if code, m := poll(e, d4); code != 200 || m["user"].(map[string]any)["id"] != aliceID || m["organization_id"] != acmeID {
		t.Errorf("approved through the URI: %d %v", code, m)
	}

	// DeviceAutoApprove approves after the delay by the emulator clock.
	auto := newTest(t, &Options{Clock: clk.Now, DeviceAutoApprove: 10 * time.Second})
	d5 := authorize(auto)
	if code, m := poll(auto, d5); code != 400 || m["error"] != "authorization_pending" {
		t.Errorf("auto before the delay: %d %v", code, m)
	}
	clk.Add(10 * time.Second)
	if code, m := poll(auto, d5); code != 200 || m["user"].(map[string]any)["id"] != aliceID {
		t.Errorf("auto after the delay: %d %v", code, m)
	}
}

// TestOrganizationSelectionThroughLua runs the selection flow through the real
// workos Lua module: the 403's pending token and organizations reach the script on
// the error table.
func TestOrganizationSelectionThroughLua(t *testing.T) {
	e := newTest(t, nil)
	addMembership(t, e, aliceID, globexID)
	L := luaState(t, newClient(t, e, nil), nil)
	got := runLua(t, L, `
		local workos = require("workos")
		local creds = {client_id = "client_lua", client_secret = "`+DefaultAPIKey+`"}
		local function with(t) for k, v in pairs(creds) do t[k] = v end return t end
		local ok, err = pcall(workos.userland_sessions_authenticate_0, with{grant_type = "password",
			email = "alice@acme.com", password = "Password123!"})
		assert(not ok and err.status == 403 and err.code == "organization_selection_required", tostring(err))
		local names = {}
		for _, o in ipairs(err.organizations) do names[#names + 1] = o.name end
		local pick = err.organizations[2].id
		local a = workos.userland_sessions_authenticate_0(with{
			grant_type = "urn:workos:oauth:grant-type:organization-selection",
			pending_authentication_token = err.pending_authentication_token, organization_id = pick})
		return table.concat(names, ",") .. " " .. a.organization_id .. " " .. a.user.email`)
	if want := "Acme Corp,Globex " + globexID + " alice@acme.com"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
