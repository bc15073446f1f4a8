package catalog

import (
	"fmt"
	"strings"
)

// LuaLS renders a LuaLS definition file ("---@meta") for the workos and json
// modules: one argument class per function, @param/@return annotations and the
// descriptions, so editors autocomplete scripts. Use it with a .luarc.json whose
// runtime.version is "Lua 5.1" and whose workspace.library includes the file.
func (c *Catalog) LuaLS(version string) string {
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

---@class workos
workos = {}

---Iterate over the items of every page of a paginated list function.
---@param name string
---@param args? table
---@param opts? {max_items?: integer, max_pages?: integer}
---@return fun(): any
function workos.paginate(name, args, opts) end
---Collect every item of a paginated list function into one array.
---@param name string
---@param args? table
---@param opts? {max_items?: integer, max_pages?: integer}
---@return any[]
function workos.list_all(name, args, opts) end
---Run independent calls concurrently; results come back in order.
---@param calls {[1]: string, [2]: table}[]
---@param opts? {concurrency?: integer}
---@return workos.BatchResult[]
function workos.batch(calls, opts) end
---A function's documentation as a table.
---@param name string
---@return table
function workos.describe(name) end
---Function names, optionally filtered by a substring or {access=, query=}.
---@param filter? string|table
---@return string[]
function workos.functions(filter) end

`)
	for _, name := range c.Names() {
		op := c.byName[name]
		class := "workos." + op.Name + ".args"
		fmt.Fprintf(&b, "---@class %s\n", class)
		for _, p := range op.Params {
			fmt.Fprintf(&b, "---@field %s%s %s %s\n", p.Key, optMark(p.Required), luaType(p.Type, p.ItemType, p.Enum), oneLine(p.Description))
		}
		if op.Body != nil {
			shadow := op.ShadowedBodyFields()
			for _, f := range op.Body.Fields {
				if containsString(shadow, f.Name) {
					continue
				}
				fmt.Fprintf(&b, "---@field %s%s %s %s\n", f.Name, optMark(f.Required), luaType(f.Type, f.ItemType, f.Enum), oneLine(f.Description))
			}
			fmt.Fprintf(&b, "---@field body? table The body fields, KosmoKrator style (alternative to top-level keys)\n")
		}
		fmt.Fprintf(&b, "\n---%s\n---\n---`%s %s` · access: %s\n", oneLine(op.Summary), op.Method, op.Path, op.Access)
		if op.Description != "" && op.Description != op.Summary {
			fmt.Fprintf(&b, "---\n---%s\n", oneLine(op.Description))
		}
		fmt.Fprintf(&b, "---@param args %s%s\n---@return %s\nfunction workos.%s(args) end\n",
			class, map[bool]string{true: "?", false: ""}[!hasRequired(op)], returnType(op), op.Name)
		if op.SeedName != "" {
			fmt.Fprintf(&b, "workos.%s = workos.%s\n", op.SeedName, op.Name)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func hasRequired(op *Operation) bool {
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

func returnType(op *Operation) string {
	if r, ok := op.SuccessResponse(); ok && r.Type == "array" {
		return "table[]"
	}
	return "table"
}
