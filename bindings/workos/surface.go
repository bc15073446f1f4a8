package workos

import (
	"fmt"
	"strings"
)

// Helper is one of the module's own functions, the ones that are not catalog
// operations. The module, the runtime's pre-flight check, the LuaLS
// definitions and the docs pages are all built from [Helpers], so they cannot
// disagree about what the module offers.
type Helper struct {
	// Name is the member name: workos.<Name>.
	Name string
	// Doc is the one-line description.
	Doc string
	// Params are the parameters as LuaLS annotations: "name string",
	// "args? table", ...
	Params []string
	// Returns is the LuaLS return type.
	Returns string
	// TakesName is true when the first argument is a function name, which
	// pre-flight checks when the script writes it as a literal.
	TakesName bool
}

// Helpers lists the module's helper functions in the order docs show them.
func Helpers() []Helper {
	return []Helper{
		{Name: "paginate", Doc: "Iterate over the items of every page of a paginated list function.", TakesName: true,
			Params: []string{"name string", "args? table", "opts? {max_items?: integer, max_pages?: integer}"}, Returns: "fun(): any"},
		{Name: "list_all", Doc: "Collect every item of a paginated list function into one array; the second result is the cursor to resume from (nil when exhausted).", TakesName: true,
			Params: []string{"name string", "args? table", "opts? {max_items?: integer, max_pages?: integer}"}, Returns: "any[], string?"},
		{Name: "batch", Doc: "Run independent calls concurrently; results come back in order as {ok, value} or {ok, error}.",
			Params: []string{"calls {[1]: string, [2]: table}[]", "opts? {concurrency?: integer}"}, Returns: "workos.BatchResult[]"},
		{Name: "call", Doc: "Call a function by name: workos.call(name, args) is workos[name](args).", TakesName: true,
			Params: []string{"name string", "args? table"}, Returns: "table"},
		{Name: "describe", Doc: "A function's documentation as a table.", TakesName: true,
			Params: []string{"name string"}, Returns: "table"},
		{Name: "functions", Doc: "Function names, optionally filtered by a substring or {access=, query=}.",
			Params: []string{"filter? string|table"}, Returns: "string[]"},
	}
}

// Values are the module's members that are not functions: null (json.null,
// to send an explicit null) and default (the module itself, KosmoKrator's
// default account: app.integrations.workos.default.<fn>).
func Values() []string { return []string{"null", "default"} }

// IsMember reports whether name is one of the module's own members (a helper
// or a value) rather than a catalog operation.
func IsMember(name string) bool {
	for _, h := range Helpers() {
		if h.Name == name {
			return true
		}
	}
	for _, v := range Values() {
		if v == name {
			return true
		}
	}
	return false
}

// TakesName reports whether the helper name takes a function name first.
func TakesName(name string) bool {
	for _, h := range Helpers() {
		if h.Name == name {
			return h.TakesName
		}
	}
	return false
}

// luaLS renders h as a LuaLS function declaration.
func (h Helper) luaLS() string {
	var b strings.Builder
	fmt.Fprintf(&b, "---%s\n", h.Doc)
	names := make([]string, len(h.Params))
	for i, p := range h.Params {
		fmt.Fprintf(&b, "---@param %s\n", p)
		name, _, _ := strings.Cut(p, " ")
		names[i] = strings.TrimSuffix(name, "?")
	}
	fmt.Fprintf(&b, "---@return %s\nfunction workos.%s(%s) end\n", h.Returns, h.Name, strings.Join(names, ", "))
	return b.String()
}
