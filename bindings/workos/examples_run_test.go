package workos_test

import (
	"net/http"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/lua/luajson"
)

// noRunnableExample lists the operations whose example cannot succeed against
// the emulator's default seed, with the reason. Keep it short: every other
// read example must answer 2xx (or its documented redirect), and every write
// example must pass validation in dry-run.
var noRunnableExample = map[string]string{
	"sso_get_profile": "authenticates with the access token of a completed SSO sign-in (sso_token), not the API key",
}

// TestEveryExampleRuns runs each function's page example: reads against a fresh
// in-process emulator with its default seed, writes in dry-run, where they are
// validated and recorded but not sent.
func TestEveryExampleRuns(t *testing.T) {
	cat := catalog.Default()
	for _, op := range cat.Operations() {
		t.Run(op.Name, func(t *testing.T) {
			reason, allowed := noRunnableExample[op.Name]
			rec, err := runExample(t, cat, op)
			failed := err != nil || rec.Err != nil || (!rec.DryRun && !success(op, rec.Status))
			switch {
			case allowed && !failed:
				t.Errorf("listed in noRunnableExample (%s) but its example now runs: remove it from the list", reason)
			case !allowed && failed:
				t.Errorf("example\n%s\nfailed: status %d, err %v, script error %v", op.Example(), rec.Status, rec.Err, err)
			}
		})
	}
}

// runExample runs op's example once and returns the record of its call.
func runExample(t *testing.T, cat *catalog.Catalog, op *catalog.Operation) (api.CallRecord, error) {
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	client, err := api.NewClient(&api.Options{
		APIKey:     emulator.DefaultAPIKey,
		BaseURL:    "http://emulator.local",
		HTTPClient: &http.Client{Transport: em.Transport()},
		MaxRetries: -1,
		DryRun:     op.Access != catalog.Read, // setup writes of read examples are sent
	})
	if err != nil {
		t.Fatal(err)
	}
	var rec api.CallRecord
	L := lua.NewState()
	defer L.Close()
	luajson.Preload(L)
	(&workos.Module{Catalog: cat, Client: client, Observe: func(r api.CallRecord) { rec = r }}).Preload(L)
	err = L.DoString(op.Example())
	return rec, err
}

// success reports whether status is a documented success of op (a 2xx, or
// the 3xx of a redirecting endpoint).
func success(op *catalog.Operation, status int) bool {
	if status >= 200 && status < 300 {
		return true
	}
	for _, r := range op.Responses {
		if r.Status == status {
			return true
		}
	}
	return false
}
