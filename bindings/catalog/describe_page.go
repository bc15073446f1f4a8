package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// PageTokenBudget is the size, in tokens estimated as bytes/4, that a
// function page ([Operation.Reference]) is cut down to when it is longer:
// deeper levels, long enums and long descriptions go first, and the page then
// says where the full schemas are. A few pages with very many parameters stay
// over it.
const PageTokenBudget = 600

// pageDetail is one level of detail of a function page.
type pageDetail struct {
	introLen int // bytes of the operation's description
	descLen  int // bytes of a parameter's or body field's description; 0 drops the column
	enumLen  int // enum values shown before "…"
	nest     nesting
	depth    int // levels of nested objects shown; 0 means 1
}

// pageDetails returns the levels Reference tries, most detailed first.
func pageDetails() []pageDetail {
	return []pageDetail{
		{introLen: 400, descLen: 200, enumLen: 12, nest: nestTypes, depth: 2},
		{introLen: 400, descLen: 200, enumLen: 12, nest: nestTypes, depth: 1},
		{introLen: 300, descLen: 100, enumLen: 8, nest: nestTypes},
		{introLen: 200, descLen: 60, enumLen: 5, nest: nestTypes},
		{introLen: 200, descLen: 60, enumLen: 5, nest: nestSmall},
		{introLen: 200, descLen: 60, enumLen: 5, nest: nestNames},
		{introLen: 120, descLen: 0, enumLen: 4, nest: nestSmall},
		{introLen: 120, descLen: 0, enumLen: 4, nest: nestNames},
		{introLen: 120, descLen: 0, enumLen: 3, nest: nestNone},
	}
}

// pageSchemas are an operation's body and result schemas, decoded once per page.
type pageSchemas struct {
	body   map[string]any
	result map[string]any
}

// Reference renders the operation's reference page in Markdown: signature,
// parameters, body (with the shape of nested fields), the result's fields,
// errors and an example call. A page over [PageTokenBudget] is rendered again
// with less detail until it fits or no level is left.
func (op *Operation) Reference() string {
	var sc pageSchemas
	if op.Body != nil {
		sc.body = decodeSchema(op.Body.Schema)
	}
	if r, ok := op.SuccessResponse(); ok {
		sc.result = decodeSchema(r.Schema)
	}
	var page string
	for _, d := range pageDetails() {
		page = op.page(d, sc)
		if len(page) <= PageTokenBudget*4 {
			break
		}
	}
	return page
}

// page renders the reference page at one level of detail.
func (op *Operation) page(d pageDetail, sc pageSchemas) string {
	var b strings.Builder
	sh := &shaper{enumLen: d.enumLen, nest: d.nest, depth: max(d.depth, 1)}
	fmt.Fprintf(&b, "# workos.%s\n\n%s\n\n", op.Name, op.Summary)
	if op.Description != "" && op.Description != op.Summary {
		fmt.Fprintf(&b, "%s\n\n", cutText(sh, strings.TrimSpace(op.Description), d.introLen))
	}
	fmt.Fprintf(&b, "- HTTP: `%s %s`\n", op.Method, op.Path)
	fmt.Fprintf(&b, "- Access: %s", op.Access)
	if op.AccessReason != "" {
		fmt.Fprintf(&b, " (%s)", op.AccessReason)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "- Auth: %s\n", op.Auth)
	aliases := []string{op.SeedName}
	if op.TitleAlias != "" {
		aliases = append(aliases, op.TitleAlias+" (KosmoKrator title name)")
	}
	fmt.Fprintf(&b, "- Also callable as: %s\n", strings.Join(aliases, ", "))
	if op.Paginated {
		fmt.Fprintf(&b, "- Paginated: yes — `for item in workos.paginate(%q, {...}) do ... end` iterates every page (`workos.list_all` collects them)\n", op.Name)
	}
	if op.SendsEmail {
		b.WriteString("- Sends an email as a side effect.\n")
	}
	fmt.Fprintf(&b, "\n## Signature\n\n```lua\n%s\n```\n", op.Signature())
	op.writeParams(&b, sh, d)
	if op.Body != nil {
		op.writeBody(&b, sh, d, sc.body)
	}
	for _, g := range op.ParamGroups {
		writeGroup(&b, g)
	}
	op.writeReturns(&b, sh, sc.result)
	if len(op.ErrorStatuses) > 0 {
		var s []string
		for _, st := range op.ErrorStatuses {
			s = append(s, strconv.Itoa(st))
		}
		fmt.Fprintf(&b, "\n## Errors\n\nStatuses %s raise a table error `{status, code, message, request_id}`; catch it with `local ok, err = pcall(workos.%s, {...})`.\n", strings.Join(s, ", "), op.Name)
	}
	if sh.cut {
		fmt.Fprintf(&b, "\nShortened: `kosmo-lua describe --json %s` has the full schemas.\n", op.Name)
	}
	fmt.Fprintf(&b, "\n## Example\n\n```lua\n%s\n```\n", op.Example())
	return b.String()
}

// writeParams renders the parameter table. The cursor parameters of a
// paginated function, the same everywhere, get one line instead of rows.
func (op *Operation) writeParams(b *strings.Builder, sh *shaper, d pageDetail) {
	var rows, paging []Param
	for _, p := range op.Params {
		if isPagingParam(op, p) {
			paging = append(paging, p)
		} else {
			rows = append(rows, p)
		}
	}
	if len(rows)+len(paging) == 0 {
		return
	}
	b.WriteString("\n## Parameters (top-level keys)\n\n")
	if len(rows) > 0 {
		writeTableHead(b, d, "key", "in", "type", "required")
	}
	for _, p := range rows {
		typ := p.Type
		if p.Type == "array" {
			typ = "array<" + p.ItemType + ">"
		}
		typ = tableCell(typ)
		if len(p.Enum) > 0 {
			typ += " (" + tableCell(sh.enum(p.Enum)) + ")"
		} else if p.Type == "array" && len(p.ItemEnum) > 0 {
			typ += " (each " + tableCell(sh.enum(p.ItemEnum)) + ")"
		}
		desc := p.Description
		if p.Default != nil {
			desc += fmt.Sprintf(" Default: %v.", p.Default)
		}
		writeTableRow(b, sh, d, desc, p.Key, p.In, typ, yesNo(p.Required))
	}
	if len(paging) > 0 {
		if len(rows) > 0 {
			b.WriteString("\n")
		}
		var parts []string
		for _, p := range paging {
			part := "`" + p.Key + "`"
			switch {
			case p.Key == "before" || p.Key == "after":
				part += " (the previous page's `list_metadata." + p.Key + "`)"
			case len(p.Enum) > 0 && p.Default != nil:
				part += fmt.Sprintf(" (%s, default %v)", sh.enum(p.Enum), p.Default)
			case p.Default != nil:
				part += fmt.Sprintf(" (%s, default %v)", p.Type, p.Default)
			}
			parts = append(parts, part)
		}
		fmt.Fprintf(b, "Paging keys, all optional: %s.\n", strings.Join(parts, ", "))
	}
}

// isPagingParam reports whether p is an optional cursor parameter of a
// paginated function.
func isPagingParam(op *Operation, p Param) bool {
	if !op.Paginated || p.In != InQuery || p.Required {
		return false
	}
	switch p.Key {
	case "before", "after", "limit", "order":
		return true
	}
	return false
}

// writeBody renders the body table, each field's type with its nested shape.
func (op *Operation) writeBody(b *strings.Builder, sh *shaper, d pageDetail, schema map[string]any) {
	shapes := map[string]map[string]any{}
	if schema != nil {
		fields, _ := objectFields(schema)
		for _, f := range fields {
			shapes[f.name] = f.schema
		}
	}
	b.WriteString("\n## Body fields (top-level keys, or under `body = {...}`)\n\n")
	writeTableHead(b, d, "field", "type", "required")
	for _, f := range op.Body.Fields {
		var typ string
		if s, ok := shapes[f.Name]; ok {
			typ = sh.typeOf(s, sh.depth)
		} else {
			typ = f.Type
			if f.Type == "array" && f.ItemType != "" {
				typ = "array<" + f.ItemType + ">"
			}
			if len(f.Enum) > 0 {
				typ += " (" + sh.enum(f.Enum) + ")"
			}
		}
		desc := f.Description
		if len(f.Variants) > 0 {
			desc = "Only for " + op.Body.Discriminator + " = " + strings.Join(f.Variants, ", ") + ". " + desc
		}
		writeTableRow(b, sh, d, desc, f.Name, tableCell(typ), yesNo(f.Required))
	}
	if shadow := op.ShadowedBodyFields(); len(shadow) > 0 {
		fmt.Fprintf(b, "\nThe body field(s) %s share a name with a parameter: a top-level key means the parameter, so pass the body field under `body = { %s = ... }`.\n",
			strings.Join(shadow, ", "), shadow[0])
	}
	if len(op.Body.Variants) > 0 {
		fmt.Fprintf(b, "\nThe body is one of %d variants chosen by `%s`:\n\n", len(op.Body.Variants), op.Body.Discriminator)
		for _, v := range op.Body.Variants {
			fmt.Fprintf(b, "- `%s`: requires %s\n", v.Name, strings.Join(v.Required, ", "))
		}
	}
	for _, g := range op.Body.Groups {
		writeGroup(b, g)
	}
}

// writeReturns renders the success response: for a list, the fields of each
// item of data; for an object, its fields; one line per field, nested
// objects one level deep.
func (op *Operation) writeReturns(b *strings.Builder, sh *shaper, schema map[string]any) {
	r, ok := op.SuccessResponse()
	if !ok {
		return
	}
	b.WriteString("\n## Returns\n\n")
	if r.Type == "" {
		fmt.Fprintf(b, "HTTP %d with no body; the function returns `{success = true, status = %d}`.\n", r.Status, r.Status)
		return
	}
	obj, head := schema, ""
	switch {
	case r.ListItem != "":
		obj = listItem(schema)
		head = fmt.Sprintf("HTTP %d: a list `{data = {...}, list_metadata = {before, after}}` (`after` is nil on the last page); each item of `data` (%s)", r.Status, r.ListItem)
	case r.Type == "array":
		obj, _ = schema["items"].(map[string]any)
		head = fmt.Sprintf("HTTP %d: an array; each item", r.Status)
	case r.SchemaName != "":
		head = fmt.Sprintf("HTTP %d: %s", r.Status, r.SchemaName)
	default:
		head = fmt.Sprintf("HTTP %d: an object", r.Status)
	}
	var fields []schemaField
	variants := 0
	if obj != nil && hasObjectParts(obj) {
		fields, variants = objectFields(obj)
	}
	if len(fields) == 0 {
		if schema == nil {
			fmt.Fprintf(b, "HTTP %d: %s.\n", r.Status, r.Type)
		} else {
			fmt.Fprintf(b, "HTTP %d: `%s`.\n", r.Status, sh.typeOf(schema, sh.depth))
		}
		return
	}
	b.WriteString(head)
	if variants > 1 {
		fmt.Fprintf(b, ", one of %d variants (a field not all of them have is marked `?`),", variants)
	}
	b.WriteString(" with fields:\n\n")
	for _, f := range fields {
		fmt.Fprintf(b, "- %s\n", sh.fieldLine(f, sh.depth))
	}
}

// listItem returns the item schema of a list response's data array.
func listItem(list map[string]any) map[string]any {
	fields, _ := objectFields(list)
	for _, f := range fields {
		if f.name == "data" {
			items, _ := f.schema["items"].(map[string]any)
			return items
		}
	}
	return nil
}

// writeTableHead writes a table's header; a description column follows the
// given ones unless d drops it.
func writeTableHead(b *strings.Builder, d pageDetail, cols ...string) {
	if d.descLen > 0 {
		cols = append(cols, "description")
	}
	b.WriteString("| " + strings.Join(cols, " | ") + " |\n|" + strings.Repeat("---|", len(cols)) + "\n")
}

// writeTableRow writes a table row of escaped cells and the description, cut
// to d's length (or dropped with its column).
func writeTableRow(b *strings.Builder, sh *shaper, d pageDetail, desc string, cells ...string) {
	if d.descLen > 0 {
		cells = append(cells, tableCell(cutText(sh, strings.Join(strings.Fields(desc), " "), d.descLen)))
	} else if strings.TrimSpace(desc) != "" {
		sh.cut = true
	}
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

// enum renders enum values joined with "|", cut to the shaper's count and
// to about enumBytes.
func (sh *shaper) enum(values []string) string {
	size := 0
	for i, v := range values {
		if i == sh.enumLen || size > enumBytes {
			sh.cut = true
			return strings.Join(values[:i], "|") + "|…"
		}
		size += len(v) + 1
	}
	return strings.Join(values, "|")
}

// cutText cuts s to at most n bytes at a word boundary, marking the cut with
// "..." and recording it on sh.
func cutText(sh *shaper, s string, n int) string {
	if len(s) <= n {
		return s
	}
	sh.cut = true
	cut := strings.LastIndexByte(s[:n-3], ' ')
	if cut < n/2 {
		cut = n - 3
		for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:") + "..."
}

// writeGroup renders one group's rule: which alternatives a call must,
// may or must not combine, and when the rule applies.
func writeGroup(b *strings.Builder, g Group) {
	var alts []string
	for _, a := range g.Alternatives {
		alts = append(alts, "("+strings.Join(a.Fields, " + ")+")")
	}
	when := ""
	if g.When != nil {
		when = ", when " + g.When.String()
	}
	switch {
	case len(alts) == 1 && g.Optional:
		fmt.Fprintf(b, "\nGiven together (%s%s): all of %s or none.\n", g.Name, when, alts[0])
	case len(alts) == 1:
		fmt.Fprintf(b, "\nRequired (%s%s): %s.\n", g.Name, when, alts[0])
	case g.Inclusive:
		rule := "at least one of"
		if g.Optional {
			rule = "any of"
		}
		fmt.Fprintf(b, "\nRequired (%s%s): %s %s; several may be combined.\n", g.Name, when, rule, strings.Join(alts, " or "))
	default:
		rule := "exactly one of"
		if g.Optional {
			rule = "at most one of"
		}
		fmt.Fprintf(b, "\nMutually exclusive (%s%s): %s %s.\n", g.Name, when, rule, strings.Join(alts, " or "))
	}
}
