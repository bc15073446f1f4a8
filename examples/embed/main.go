// Command embed shows how an agent host embeds kosmo-lua: build a Runtime once,
// then hand it each script the model writes and give the model back the JSON
// envelope. It runs against the built-in emulator, so it needs no account:
//
//	go run ./examples/embed
//
// Against WorkOS, set APIKey (from your secret store) and drop BaseURL and
// HTTPClient.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// script is what a model might send: list, filter, then act on what it found.
const script = `
local unverified = {}
for org in workos.paginate("organizations_list", {limit = 100}) do
  for _, d in ipairs(org.domains) do
    if d.state ~= "verified" then unverified[#unverified + 1] = {org = org.name, domain = d.domain} end
  end
end
print("found " .. #unverified .. " unverified domains")
return unverified`

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	em, err := emulator.New(nil)
	if err != nil {
		return err
	}
	defer em.Close()
	rt, err := runtime.New(&runtime.Options{
		APIKey:      emulator.DefaultAPIKey,
		BaseURL:     "http://emulator.local",
		HTTPClient:  &http.Client{Transport: em.Transport()},
		WritePolicy: runtime.WriteDeny, // this host only lets the model read
		Timeout:     10 * time.Second,
		MaxCalls:    50,
	})
	if err != nil {
		return err
	}
	defer rt.Close() // scripts run in worker processes; Close stops them
	res, err := rt.Run(ctx, runtime.Script{Name: "agent.lua", Source: script})
	if err != nil {
		return err // the run could not be attempted at all
	}
	if res.Err() != nil {
		fmt.Fprintln(out, "the script failed:", res.Err()) // feed this back to the model
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
