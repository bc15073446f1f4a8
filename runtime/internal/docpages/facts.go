package docpages

import (
	"fmt"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/lua/sandbox"
)

// Facts are what the guides quote from the runtime, so a guide cannot drift
// from it. The zero value renders the guides with their limit placeholders
// as written and an empty error-kind table.
type Facts struct {
	// Limits fills the placeholders {{timeout}}, {{memory}}, {{max_calls}},
	// {{max_result_bytes}} and {{max_log_bytes}}; a missing one stays as
	// written.
	Limits map[string]string
	// Kinds fills {{error_kinds}}, the errors guide's table (the runtime's
	// ErrorKinds).
	Kinds []Kind
}

// Kind is one error kind as the errors guide lists it.
type Kind struct {
	Name    string // the error's kind
	Outcome string // the run's outcome when it ends the run
	When    string // its cause, in Markdown
}

// hostGlobals are the globals the runtime adds to the sandbox's own, with
// what each is.
var hostGlobals = []struct{ name, doc string }{
	{"workos", "one function per WorkOS operation, plus the helpers below"},
	{"app", "KosmoKrator's path to the same module: `app.integrations.workos`"},
	{"docs", "`docs.list()`, `docs.search(q)`, `docs.read(page)` return these pages"},
	{"args", "execute_lua's `args` (nil when none were given)"},
}

// HostGlobalNames returns the names of the globals the runtime adds to the
// sandbox's (workos, app, docs, args).
func HostGlobalNames() []string {
	out := make([]string, len(hostGlobals))
	for i, g := range hostGlobals {
		out[i] = g.name
	}
	return out
}

// globalList renders every global a script sees as a Markdown list: the
// runtime's modules, then the sandbox's libraries with their members and its
// base functions, from [sandbox.Globals].
func globalList() string {
	var b strings.Builder
	for _, g := range hostGlobals {
		fmt.Fprintf(&b, "- `%s`: %s\n", g.name, g.doc)
	}
	gs, err := sandbox.Globals()
	if err != nil {
		// Only a broken gopher-lua upgrade gets here; say so in the page.
		fmt.Fprintf(&b, "- (the sandbox's globals could not be listed: %v)\n", err)
		return strings.TrimRight(b.String(), "\n")
	}
	var base []string
	for _, g := range gs {
		switch {
		case g.Members != nil:
			fmt.Fprintf(&b, "- `%s`: %s\n", g.Name, strings.Join(g.Members, ", "))
		case strings.HasPrefix(g.Name, "_"):
			// _G, _VERSION: not worth an agent's attention.
		default:
			base = append(base, g.Name)
		}
	}
	fmt.Fprintf(&b, "- functions: %s", strings.Join(base, ", "))
	return b.String()
}

// kindTable renders the errors guide's table of kinds.
func kindTable(kinds []Kind) string {
	var b strings.Builder
	b.WriteString("| kind | outcome | when |\n|---|---|---|\n")
	for _, k := range kinds {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", k.Name, k.Outcome, k.When)
	}
	return strings.TrimRight(b.String(), "\n")
}
