package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua/internal/config"
)

// doctorJSON runs `doctor --json` with args and decodes its one object.
func doctorJSON(t *testing.T, te *testEnv, args ...string) (exitCode, *DoctorReport) {
	t.Helper()
	code := te.run(append([]string{"doctor", "--json"}, args...)...)
	dec := json.NewDecoder(strings.NewReader(te.out.String()))
	var rep DoctorReport
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s\nstderr %s", err, te.out, te.errb)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value:\n%s", te.out)
	}
	if rep.ExitCode != int(code) {
		t.Errorf("exit_code %d, process exit %d", rep.ExitCode, code)
	}
	return code, &rep
}

// findings lists "check level" of a report.
func findings(rep *DoctorReport) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.Check+" "+f.Level)
	}
	return out
}

func TestDoctorEmulated(t *testing.T) {
	te := emulatedEnv(t)
	code, rep := doctorJSON(t, te, "--emulate")
	if code != exitOK || !rep.OK || rep.TestCall == nil || !rep.TestCall.OK || *rep.TestCall.Status != 200 {
		t.Fatalf("exit %d: %+v", code, rep)
	}
	want := []string{"credentials ok", "base_url ok", "test_call ok", "write_policy ok", "accounts ok"}
	if diff := cmp.Diff(want, findings(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if rep.Credentials.Source != "emulator" || rep.Catalog.Operations == 0 || len(rep.Catalog.SpecSHA256) != 64 || len(rep.NextCommands) == 0 {
		t.Errorf("report: %+v", rep)
	}
}

// TestDoctorAccounts checks every account of the file: each is tested
// against its own emulator, keys are masked, and the report names where the
// credentials came from.
func TestDoctorAccounts(t *testing.T) {
	te := accountsEnv(t)
	code, rep := doctorJSON(t, te)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, te.out)
	}
	var got []string
	for _, a := range rep.Accounts {
		got = append(got, a.Name+" "+a.Write+" "+a.Key)
		if a.TestCall == nil || !a.TestCall.OK {
			t.Errorf("%s: test call %+v", a.Name, a.TestCall)
		}
	}
	want := []string{"staging allow sk_test_…0001", "audit deny sk_test_…0003", "prod allow sk_test_…0002"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	if rep.Credentials.Source != "account" || rep.Credentials.Account != "staging" || rep.Credentials.ConfigPath != te.configPath {
		t.Errorf("credentials: %+v", rep.Credentials)
	}
	assertNoAccountKey(t, te.out.String(), te.errb.String())
}

// TestDoctorExitCodes checks the exit code of the worst finding.
func TestDoctorExitCodes(t *testing.T) {
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	good := httptest.NewServer(em)
	t.Cleanup(func() { good.Close(); em.Close() })
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"message":"broken on purpose"}`))
	}))
	t.Cleanup(broken.Close)
	tests := []struct {
		name     string
		accounts map[string]*config.Account
		wantCode exitCode
		wantMsg  string // in a finding
		wantNext string // in next_commands
	}{
		{name: "no credentials", wantCode: exitAuth, wantMsg: "no WorkOS API key", wantNext: "kosmo-lua auth set"},
		{name: "a rejected key", wantCode: exitAuth, wantMsg: "rejected the key (401)", wantNext: "kosmo-lua auth set --account default",
			accounts: map[string]*config.Account{"default": {APIKey: fakeKey, BaseURL: good.URL}}},
		{name: "a failed call", wantCode: exitError, wantMsg: "broken on purpose", wantNext: "kosmo-lua auth test --account other",
			accounts: map[string]*config.Account{"default": {APIKey: emulator.DefaultAPIKey, BaseURL: good.URL}, "other": {APIKey: emulator.DefaultAPIKey, BaseURL: broken.URL}}},
		{name: "auth is worse than a failed call", wantCode: exitAuth, wantMsg: "rejected the key",
			accounts: map[string]*config.Account{"default": {APIKey: fakeKey, BaseURL: good.URL}, "other": {APIKey: emulator.DefaultAPIKey, BaseURL: broken.URL}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			if tt.accounts != nil {
				te.saveAccounts(t, &config.File{Accounts: tt.accounts})
			}
			code, rep := doctorJSON(t, te)
			if code != tt.wantCode || rep.OK {
				t.Fatalf("exit %d, want %d: %s", code, tt.wantCode, te.out)
			}
			var msgs []string
			for _, f := range rep.Findings {
				msgs = append(msgs, f.Message)
			}
			if !strings.Contains(strings.Join(msgs, "\n"), tt.wantMsg) {
				t.Errorf("findings lack %q: %q", tt.wantMsg, msgs)
			}
			if !strings.Contains(strings.Join(rep.NextCommands, "\n"), tt.wantNext) {
				t.Errorf("next commands lack %q: %q", tt.wantNext, rep.NextCommands)
			}
			assertNoKey(t, te.out.String(), te.errb.String())
		})
	}
}

// TestDoctorText checks the human form names every check and the next commands.
func TestDoctorText(t *testing.T) {
	rep := &DoctorReport{Findings: []DoctorFinding{{Check: "credentials", Level: levelOK, Message: "key sk_test_…0001 from WORKOS_API_KEY"}},
		Catalog: DoctorCatalog{Operations: 212, SpecSHA256: strings.Repeat("ab", 32)}, NextCommands: []string{"kosmo-lua functions"}}
	want := "kosmo-lua doctor\n  [ok] credentials: key sk_test_…0001 from WORKOS_API_KEY\n  [ok] catalog: 212 operations, from the WorkOS OpenAPI specification with SHA-256 abababababab\nNext:\n  kosmo-lua functions\n"
	if diff := cmp.Diff(want, rep.text()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}
