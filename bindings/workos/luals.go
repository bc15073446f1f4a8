package workos

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// LuaLS renders a LuaLS definition file ("---@meta") for the workos and json
// modules: the module's [Helpers], one argument class per function of cat,
// one class per object shape of the response and request body schemas,
// @param/@return annotations and the descriptions, so editors autocomplete
// scripts and their results (org.domains[1].state). The output is
// deterministic: classes sorted by name, fields by key. Use it with a
// .luarc.json whose runtime.version is "Lua 5.1" and whose workspace.library
// includes the file.
func LuaLS(cat *catalog.Catalog, version string) string {
	classes := newLuaClassSet()
	classes.reserveNames(cat)
	funcs := luaLSFunctions(cat, classes)
	var b strings.Builder
	fmt.Fprintf(&b, "---@meta\n-- kosmo-lua %s: definitions for the workos and json modules (generated; do not edit).\n\n", version)
	b.WriteString(`---@class json
---@field null any The JSON null sentinel: send it to clear a field.
json = {}
---Encode a Lua value as JSON (object keys sorted; integral numbers as integers).
---@param value any
---@param opts? {indent?: string}
---@return string
function json.encode(value, opts) end
---Decode JSON; arrays stay arrays, null becomes nil.
---@param text string
---@return any
function json.decode(text) end
---Mark a table to encode as a JSON array (an empty table already encodes as []).
---@generic T: table
---@param t T
---@return T
function json.array(t) end
---Mark a table to encode as a JSON object, even when empty.
---@generic T: table
---@param t T
---@return T
function json.object(t) end

---@class workos.Error
---@field kind string api_error | network_error | validation_error | denied | ...
---@field status? integer HTTP status of an API error
---@field code? string WorkOS error code
---@field message string
---@field request_id? string
---@field function string
---@field line? integer

---@class workos.BatchResult
---@field ok boolean
---@field value? any
---@field error? workos.Error

---A named account's functions: workos.<account>.organizations_list(...).
---@class workos
---@field [string] workos
workos = {}

`)
	lists := pagedLists(cat, classes)
	for _, h := range Helpers() {
		b.WriteString(helperWithOverloads(h, lists))
	}
	b.WriteString("\n")
	classes.write(&b)
	b.WriteString(funcs)
	return b.String()
}

// luaLSFunctions renders each operation's argument class and function
// declaration, adding the classes of its result and body to classes.
func luaLSFunctions(cat *catalog.Catalog, classes *luaClassSet) string {
	var b strings.Builder
	for _, name := range cat.Names() {
		op, _ := cat.Lookup(name)
		class := "workos." + op.Name + ".args"
		fmt.Fprintf(&b, "---@class %s\n", class)
		for _, p := range op.Params {
			typ := luaType(p.Type, p.ItemType, p.Enum)
			if len(p.Schema) > 0 { // the schema also has item enums and nullability
				typ = classes.typeOf(p.Schema, class+"."+p.Key, "")
			}
			fmt.Fprintf(&b, "---@field %s%s %s %s\n", p.Key, optMark(p.Required), typ, commentLine(p.Description))
		}
		if op.Body != nil {
			shadow := op.ShadowedBodyFields()
			props := bodyProperties(op.Body.Schema)
			for _, f := range op.Body.Fields {
				if slices.Contains(shadow, f.Name) {
					continue
				}
				typ := luaType(f.Type, f.ItemType, f.Enum)
				if raw, ok := props[f.Name]; ok {
					typ = classes.typeOf(raw, class+"."+f.Name, "")
				}
				fmt.Fprintf(&b, "---@field %s%s %s %s\n", f.Name, optMark(f.Required), typ, commentLine(f.Description))
			}
			fmt.Fprintf(&b, "---@field body? table The body fields, KosmoKrator style (alternative to top-level keys)\n")
		}
		fmt.Fprintf(&b, "\n---%s\n---\n---`%s %s` · access: %s\n", commentLine(op.Summary), op.Method, op.Path, op.Access)
		if op.Description != "" && op.Description != op.Summary {
			fmt.Fprintf(&b, "---\n---%s\n", commentLine(op.Description))
		}
		fmt.Fprintf(&b, "---@param args %s%s\n---@return %s\nfunction workos.%s(args) end\n",
			class, map[bool]string{true: "?", false: ""}[!hasRequired(op)], classes.returnType(op), op.Name)
		if op.SeedName != "" {
			fmt.Fprintf(&b, "workos.%s = workos.%s\n", op.SeedName, op.Name)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// pagedList is a paginated function and the LuaLS type of its items.
type pagedList struct{ name, item string }

// pagedLists are the paginated functions whose result class has a data array.
func pagedLists(cat *catalog.Catalog, classes *luaClassSet) []pagedList {
	var out []pagedList
	for _, name := range cat.Names() {
		op, _ := cat.Lookup(name)
		if !op.Paginated {
			continue
		}
		c, ok := classes.classes[classes.returnType(op)]
		if !ok {
			continue
		}
		for _, f := range c.fields {
			if item, isArray := strings.CutSuffix(f.typ, "[]"); f.name == "data" && isArray {
				out = append(out, pagedList{name: op.Name, item: item})
			}
		}
	}
	return out
}

// helperWithOverloads is h's declaration with, for paginate and list_all,
// one ---@overload per paginated function, so that
// `for org in workos.paginate("organizations_list")` types org.
func helperWithOverloads(h Helper, lists []pagedList) string {
	text := h.luaLS()
	var ret func(item string) string
	switch h.Name {
	case "paginate":
		ret = func(item string) string { return "fun(): " + item }
	case "list_all":
		ret = func(item string) string { return item + "[], string?" }
	default:
		return text
	}
	opts := "table"
	for _, p := range h.Params {
		if t, ok := strings.CutPrefix(p, "opts? "); ok {
			opts = t
		}
	}
	var b strings.Builder
	for _, l := range lists {
		fmt.Fprintf(&b, "---@overload fun(name: %q, args?: workos.%s.args, opts?: %s): %s\n", l.name, l.name, opts, ret(l.item))
	}
	decl := "function workos." + h.Name + "("
	i := strings.Index(text, decl)
	if i < 0 {
		return text
	}
	return text[:i] + b.String() + text[i:]
}

func hasRequired(op *catalog.Operation) bool {
	for _, p := range op.Params {
		if p.Required {
			return true
		}
	}
	return op.Body != nil && op.Body.Required
}

func optMark(required bool) string {
	if required {
		return ""
	}
	return "?"
}

func luaType(typ, item string, enum []string) string {
	if len(enum) > 0 {
		q := make([]string, len(enum))
		for i, e := range enum {
			q[i] = fmt.Sprintf("%q", e)
		}
		return strings.Join(q, "|")
	}
	var parts []string
	for _, t := range strings.Split(typ, "|") {
		switch t {
		case "string", "boolean", "integer", "number":
			parts = append(parts, t)
		case "array":
			if item == "" {
				item = "any"
			}
			parts = append(parts, luaType(item, "", nil)+"[]")
		case "object":
			parts = append(parts, "table")
		case "null":
			parts = append(parts, "nil")
		}
	}
	if len(parts) == 0 {
		return "any"
	}
	return strings.Join(parts, "|")
}

// commentLine is s on one line for a Lua comment, capped at 300 bytes.
func commentLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}
