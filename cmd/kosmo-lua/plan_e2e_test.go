package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// writeCounter counts the write requests that reach the emulator.
type writeCounter struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    int
}

func (w *writeCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet {
		w.mu.Lock()
		w.n++
		w.mu.Unlock()
	}
	return w.next.RoundTrip(r)
}

func (w *writeCounter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// keyedEmulatorEnv is a test env whose runs use fakeKey (from
// WORKOS_API_KEY) against one emulator that accepts it, shared by every
// command the test runs; base is the --base-url flag to pass.
func keyedEmulatorEnv(t *testing.T) (te *testEnv, wc *writeCounter, base []string) {
	t.Helper()
	em, err := emulator.New(&emulator.Options{APIKeys: []string{fakeKey}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	te = newTestEnv(t)
	wc = &writeCounter{next: em.Transport()}
	te.f.HTTPClient = &http.Client{Transport: wc}
	te.env["WORKOS_API_KEY"] = fakeKey
	return te, wc, []string{"--base-url", "http://emulator.kosmo-lua.invalid"}
}

func (te *testEnv) reset() { te.out.Reset(); te.errb.Reset(); te.in.Reset() }

const onboardArgs = `{"name":"Umbrella Corp","domain":"umbrella.example","admin_email":"ada@umbrella.example"}`

func TestPlanThenApply(t *testing.T) {
	te, wc, base := keyedEmulatorEnv(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "onboard.lua")
	src, err := os.ReadFile("../../examples/onboard_organization.lua")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, src, 0o600); err != nil {
		t.Fatal(err)
	}
	planFile := filepath.Join(dir, "plan.json")

	plan := func() *runtime.Plan {
		t.Helper()
		te.reset()
		if code := te.run(append([]string{"run", script, "--plan", "--args", onboardArgs}, base...)...); code != exitOK {
			t.Fatalf("run --plan: exit %d\n%s", code, te.errb)
		}
		var p runtime.Plan
		if err := json.Unmarshal(te.out.Bytes(), &p); err != nil {
			t.Fatalf("stdout is not a plan: %v\n%s", err, te.out)
		}
		if err := os.WriteFile(planFile, te.out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return &p
	}
	p := plan()
	if len(p.Writes) != 4 || wc.count() != 0 {
		t.Fatalf("plan: %d writes, %d sent; want 4 planned and none sent", len(p.Writes), wc.count())
	}
	for _, want := range []string{"plan: 4 write(s)", `name "Umbrella Corp"`, "returns org_plan_1", "uses org_plan_1", "kosmo-lua apply PLANFILE"} {
		if !strings.Contains(te.errb.String(), want) {
			t.Errorf("plan listing lacks %q:\n%s", want, te.errb)
		}
	}
	assertNoKey(t, te.out.String(), te.errb.String())

	te.reset()
	if code := te.run(append([]string{"apply", planFile}, base...)...); code != exitOK {
		t.Fatalf("apply: exit %d\n%s", code, te.errb)
	}
	if wc.count() != 4 {
		t.Errorf("apply sent %d writes, want 4", wc.count())
	}
	var out struct {
		Organization struct{ ID string }
	}
	if err := json.Unmarshal(te.out.Bytes(), &out); err != nil || !strings.HasPrefix(out.Organization.ID, "org_") || strings.Contains(out.Organization.ID, "plan") {
		t.Errorf("apply result %s: want the real organization", te.out)
	}

	// Plan again (the organization exists now: no create), edit the script, apply.
	plan()
	if err := os.WriteFile(script, []byte(strings.Replace(string(src), `"billing-admin"`, `"billing-owner"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	sent := wc.count()
	te.reset()
	code := te.run(append([]string{"apply", planFile}, base...)...)
	if code != exitDenied || !strings.Contains(te.errb.String(), "changed since it was planned") {
		t.Fatalf("apply of an edited script: exit %d\n%s", code, te.errb)
	}
	if wc.count() != sent {
		t.Errorf("apply of an edited script sent %d writes", wc.count()-sent)
	}

	// The journal lists the apply, and never the key.
	te.reset()
	if code := te.run("journal", "--json"); code != exitOK {
		t.Fatalf("journal: exit %d\n%s", code, te.errb)
	}
	var entries []runtime.JournalEntry
	if err := json.Unmarshal(te.out.Bytes(), &entries); err != nil {
		t.Fatalf("journal --json: %v\n%s", err, te.out)
	}
	if len(entries) != 1 || entries[0].Kind != "apply" || entries[0].PlanDigest == "" || len(entries[0].Writes) != 4 {
		t.Fatalf("journal entries: %s", te.out)
	}
	for _, w := range entries[0].Writes {
		if w.ApprovedBy != runtime.ApprovedByPlan || w.RequestID == "" || w.Outcome != runtime.WriteSent {
			t.Errorf("journal write %+v: want sent, approved by plan, with a request id", w)
		}
	}
	assertJournalHasNoKey(t, te)
}

// assertJournalHasNoKey reads the journal database's bytes.
func assertJournalHasNoKey(t *testing.T, te *testEnv) {
	t.Helper()
	path, err := te.f.journalPath()
	if err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(path + "*")
	if len(matches) == 0 {
		t.Fatalf("no journal at %s", path)
	}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		assertNoKey(t, string(b))
	}
}

func TestAskOffATerminalIsDenied(t *testing.T) {
	te, wc, base := keyedEmulatorEnv(t)
	code := te.run(append([]string{"run", "-e", `return workos.organizations_create{name = "Nope"}.id`, "--write", "ask"}, base...)...)
	if code != exitDenied {
		t.Fatalf("exit %d, want %d\n%s", code, exitDenied, te.errb)
	}
	for _, want := range []string{"needs approval", "--plan", "kosmo-lua apply"} {
		if !strings.Contains(te.errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, te.errb)
		}
	}
	if wc.count() != 0 {
		t.Errorf("sent %d writes", wc.count())
	}
	assertNoKey(t, te.out.String(), te.errb.String())
}

// TestAskInATerminal answers the ask prompt of `run` through a
// pseudo-terminal: yes to the first write, no to the second.
func TestAskInATerminal(t *testing.T) {
	te, wc, base := keyedEmulatorEnv(t)
	ptm, tty, term := openPTY(t)
	te.f.IOStreams = &IOStreams{In: tty, Out: te.out, ErrOut: tty, stdinTTY: true, stderrTTY: true}

	src := `local a = workos.organizations_create{name = "Asked Corp"}
local ok, err = pcall(workos.organizations_create, {name = "Refused Corp"})
return {a.name, ok, err and err.kind}`
	done := make(chan exitCode, 1)
	go func() {
		done <- mainRun(context.Background(), te.f, append([]string{"run", "-e", src, "--write", "ask"}, base...))
	}()
	at := term.expect(t, 0, `name "Asked Corp"`)
	at = term.expect(t, at, "Send it? [y]es / [a]ll writes of this run / [N]o: ")
	if _, err := ptm.Write([]byte("y\r")); err != nil {
		t.Fatal(err)
	}
	at = term.expect(t, at, `name "Refused Corp"`)
	term.expect(t, at, "Send it?")
	if _, err := ptm.Write([]byte("n\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d\n%s", code, term.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not finish")
	}
	if got := strings.TrimSpace(te.out.String()); got != `["Asked Corp",false,"denied"]` {
		t.Errorf("result %s", got)
	}
	if wc.count() != 1 {
		t.Errorf("sent %d writes, want 1", wc.count())
	}

	// The journal names the terminal as the approver.
	ios, _, out, _ := TestIOStreams()
	te.f.IOStreams = ios
	if code := mainRun(context.Background(), te.f, []string{"journal", "--json"}); code != exitOK {
		t.Fatalf("journal exit %d", code)
	}
	var entries []runtime.JournalEntry
	if err := json.Unmarshal(out.Bytes(), &entries); err != nil || len(entries) != 1 || len(entries[0].Writes) != 2 {
		t.Fatalf("journal: %v %s", err, out)
	}
	if w := entries[0].Writes; w[0].ApprovedBy != "terminal" || w[0].Outcome != runtime.WriteSent || w[1].Outcome != runtime.WriteRefused {
		t.Errorf("journal writes %+v", w)
	}
	assertJournalHasNoKey(t, te)
}

func TestJournalSince(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"24h", now.Add(-24 * time.Hour)},
		{"2026-12-01T10:00:00Z", time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)},
	} {
		got, err := parseSince(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := parseSince("yesterday", now); err == nil {
		t.Error("parseSince(yesterday) succeeded")
	}
}

// TestAskUnansweredEndsWithTheRun leaves the prompt unanswered: the run's
// time limit ends the run, and the write is not sent.
func TestAskUnansweredEndsWithTheRun(t *testing.T) {
	te, wc, base := keyedEmulatorEnv(t)
	_, tty, term := openPTY(t)
	te.f.IOStreams = &IOStreams{In: tty, Out: te.out, ErrOut: tty, stdinTTY: true, stderrTTY: true}
	done := make(chan exitCode, 1)
	go func() {
		done <- mainRun(context.Background(), te.f, append([]string{"run", "-e", `workos.organizations_create{name = "Late"}`, "--write", "ask", "--timeout", "2s"}, base...))
	}()
	term.expect(t, 0, "Send it?")
	select {
	case code := <-done:
		if code != exitLimit {
			t.Errorf("exit %d, want %d (timeout)\n%s", code, exitLimit, term.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("an unanswered prompt outlived the run's time limit")
	}
	term.expect(t, 0, "no answer before the run ended")
	if wc.count() != 0 {
		t.Errorf("sent %d writes", wc.count())
	}
}

// TestAccountAskAndCallJournal saves an account with destructive ask: a
// flag cannot widen it, `call` of a write is journaled as allowed by the
// policy, and a destructive call off a terminal is denied.
func TestAccountAskAndCallJournal(t *testing.T) {
	te, wc, base := keyedEmulatorEnv(t)
	delete(te.env, "WORKOS_API_KEY")
	te.in.WriteString(fakeKey)
	if code := te.run("auth", "set", "--account", "ops", "--destructive", "ask"); code != exitOK {
		t.Fatalf("auth set: exit %d\n%s", code, te.errb)
	}
	te.reset()
	if code := te.run("auth", "list", "--json"); code != exitOK || !strings.Contains(te.out.String(), `"destructive":"ask"`) {
		t.Fatalf("auth list: exit %d %s", code, te.out)
	}
	te.reset()
	if code := te.run(append([]string{"call", "organizations_create", `{"name":"Called Corp"}`, "--account", "ops"}, base...)...); code != exitOK {
		t.Fatalf("call create: exit %d\n%s", code, te.errb)
	}
	te.reset()
	code := te.run(append([]string{"call", "organizations_delete_organization", `{"id":"org_01EHZNVPK3SFK441A1RGBFSHRT"}`, "--account", "ops", "--destructive", "allow"}, base...)...)
	if code != exitDenied {
		t.Fatalf("call delete under the account's destructive ask: exit %d, want %d\n%s", code, exitDenied, te.errb)
	}
	if wc.count() != 1 {
		t.Errorf("sent %d writes, want 1", wc.count())
	}
	te.reset()
	if code := te.run("journal", "--json"); code != exitOK {
		t.Fatalf("journal: exit %d", code)
	}
	var entries []runtime.JournalEntry
	if err := json.Unmarshal(te.out.Bytes(), &entries); err != nil || len(entries) != 1 {
		t.Fatalf("journal: %v %s", err, te.out)
	}
	if e := entries[0]; e.Kind != "call" || e.Account != "ops" || e.Writes[0].ApprovedBy != runtime.ApprovedByPolicy || e.Writes[0].Status != 201 {
		t.Errorf("journal entry %+v", e)
	}
	assertJournalHasNoKey(t, te)
}

// TestAskWithAPipedScript reads the script from stdin and the answer from
// the controlling terminal.
func TestAskWithAPipedScript(t *testing.T) {
	te, wc, base := keyedEmulatorEnv(t)
	ptm, tty, term := openPTY(t)
	script := strings.NewReader(`return workos.organizations_create{name = "Piped Corp"}.name`)
	te.f.IOStreams = &IOStreams{In: script, Out: te.out, ErrOut: tty, stdinPiped: true, stderrTTY: true,
		openTTY: func() (io.Reader, error) { return tty, nil }}
	done := make(chan exitCode, 1)
	go func() {
		done <- mainRun(context.Background(), te.f, append([]string{"run", "-", "--write", "ask"}, base...))
	}()
	term.expect(t, 0, "Send it?")
	if _, err := ptm.Write([]byte("y\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != exitOK || strings.TrimSpace(te.out.String()) != `"Piped Corp"` {
			t.Fatalf("exit %d, stdout %s\n%s", code, te.out, term.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not finish")
	}
	if wc.count() != 1 {
		t.Errorf("sent %d writes, want 1", wc.count())
	}
}
