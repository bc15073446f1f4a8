package main

import (
	"net/http"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/bindings/emulator"
	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestREPLAsk answers the ask prompt at the REPL's own line editor.
func TestREPLAsk(t *testing.T) {
	em, err := emulator.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	rt, err := runtime.New(&runtime.Options{APIKey: emulator.DefaultAPIKey, BaseURL: EmulatorBaseURL,
		HTTPClient: &http.Client{Transport: em.Transport()}, WritePolicy: runtime.WriteAsk})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	sess, err := rt.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	p := startPTYREPL(t, sess, "")
	p.run(t, []ptyStep{
		{`x = workos.organizations_create{name = "Repl Corp"}.name` + "\r", "Send it?"},
		{"y\r", replPrompt},
		{"x\r", `"Repl Corp"`},
		{`ok = pcall(workos.organizations_create, {name = "No Corp"})` + "\r", "Send it?"},
		{"n\r", replPrompt},
		{"ok\r", "false"},
	})
	p.quit(t)
}
