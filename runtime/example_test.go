package runtime_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// The runtime runs an agent's script and returns one envelope. Here it talks to
// the built-in emulator through its in-process transport; against WorkOS, set
// APIKey and leave BaseURL and HTTPClient empty.
func Example() {
	em, _ := emulator.New(nil)
	defer em.Close()
	rt, err := runtime.New(&runtime.Options{
		APIKey:     emulator.DefaultAPIKey,
		BaseURL:    "http://emulator.local",
		HTTPClient: &http.Client{Transport: em.Transport()},
	})
	if err != nil {
		panic(err)
	}
	defer rt.Close() // stops the worker processes scripts run in
	res, err := rt.Run(context.Background(), runtime.Script{
		Source: `
local org = workos.organizations_create{name = args.name}
print("created " .. org.name)
return {name = org.name, object = org.object}`,
		Args: map[string]any{"name": "Example Co"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Outcome, string(res.Result))
	fmt.Println(res.Logs, res.Effects, len(res.Calls))
	// Output:
	// completed {"name":"Example Co","object":"organization"}
	// [created Example Co] true 1
}

// A read-only runtime refuses writes before any request is sent.
func ExampleOptions_writePolicy() {
	em, _ := emulator.New(nil)
	defer em.Close()
	rt, _ := runtime.New(&runtime.Options{
		APIKey:      emulator.DefaultAPIKey,
		BaseURL:     "http://emulator.local",
		HTTPClient:  &http.Client{Transport: em.Transport()},
		WritePolicy: runtime.WriteDeny,
	})
	defer rt.Close()
	res, _ := rt.Run(context.Background(), runtime.Script{Source: `return workos.organizations_create{name = "x"}`})
	fmt.Println(res.Outcome, res.Error.Kind, res.Calls[0].Status == nil)
	// Output:
	// denied denied true
}

// Call runs one function without Lua and returns KosmoKrator's call envelope.
func ExampleRuntime_Call() {
	em, _ := emulator.New(nil)
	defer em.Close()
	rt, _ := runtime.New(&runtime.Options{
		APIKey:     emulator.DefaultAPIKey,
		BaseURL:    "http://emulator.local",
		HTTPClient: &http.Client{Transport: em.Transport()},
	})
	defer rt.Close()
	res, _ := rt.Call(context.Background(), "workos_organizations_find", map[string]any{"id": "org_missing"})
	fmt.Println(res.Function, res.Success, res.Error.Kind, res.Error.Status)
	// Output:
	// organizations_find false api_error 404
}
