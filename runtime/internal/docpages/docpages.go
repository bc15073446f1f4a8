// Package docpages renders the documentation pages of kosmo-lua's code
// mode: the function index, search results, function references and the
// guides. The MCP tools lua_list_docs, lua_search_docs and lua_read_doc and
// the Lua docs module (docs.list, docs.search, docs.read) serve the same
// pages from here; the guides are compiled into the binary, so a worker
// process serves them without asking the host.
package docpages

import (
	"embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
	"github.com/kosmo-lua/kosmo-lua/bindings/workos"
	"github.com/kosmo-lua/kosmo-lua/runtime/internal/textcut"
)

//go:embed guides/*.md
var guideFiles embed.FS

// guideKeywords are the words that make lua_search_docs point to a guide.
var guideKeywords = map[string][]string{
	"overview":   {"overview", "start", "envelope", "sandbox", "return", "print", "args", "call", "convention"},
	"errors":     {"error", "errors", "pcall", "fail", "failure", "retry", "retries", "status", "exception", "404", "429"},
	"pagination": {"pagination", "paginate", "page", "pages", "cursor", "after", "before", "list_all", "all"},
	"batch":      {"batch", "concurrent", "concurrently", "parallel", "many", "bulk"},
	"json":       {"json", "encode", "decode", "null", "array", "object", "empty"},
	"limits":     {"limit", "limits", "timeout", "memory", "budget", "quota", "truncated", "summary", "size", "policy", "denied", "write", "readonly"},
}

// guideNames lists the guides in reading order.
var guideNames = []string{"overview", "errors", "pagination", "batch", "json", "limits"}

// GuideNames returns the guides' names in reading order.
func GuideNames() []string { return slices.Clone(guideNames) }

// ReadOnly reports whether the policy refuses every write and destructive
// function.
func (d *Pages) ReadOnly() bool { return d.readOnly }

// Hidden returns how many catalog functions the policy refuses.
func (d *Pages) Hidden() int { return d.hidden }

// Pages renders the documentation pages for one policy: only the functions
// it allows are listed. Use it from one goroutine at a time or share it
// read-only: it does not change after [New].
type Pages struct {
	cat      *catalog.Catalog
	allowed  map[string]bool // canonical names the policy allows
	hidden   int             // catalog functions the policy refuses
	readOnly bool            // every write and destructive function is refused
	facts    Facts           // what the guides quote from the runtime
}

// New returns the pages of cat for the functions allowedOps (the policy's
// allowed set); facts fill the guides' placeholders.
func New(cat *catalog.Catalog, allowedOps []*catalog.Operation, facts Facts) *Pages {
	d := &Pages{cat: cat, allowed: map[string]bool{}, facts: facts, readOnly: true}
	for _, op := range allowedOps {
		d.allowed[op.Name] = true
		if op.Access != catalog.Read {
			d.readOnly = false
		}
	}
	d.hidden = len(cat.Operations()) - len(d.allowed)
	return d
}

// policyNote is one sentence on the server's policy, for guides and indexes.
func (d *Pages) policyNote() string {
	switch {
	case d.hidden == 0:
		return ""
	case d.readOnly:
		return fmt.Sprintf("This server is read-only: %d write and destructive functions are hidden and a script that calls one fails with outcome `denied`.", d.hidden)
	default:
		return fmt.Sprintf("This server's policy hides %d functions; a script that calls one fails with outcome `denied`.", d.hidden)
	}
}

// Guide returns a guide's text, or false.
func (d *Pages) Guide(name string) (string, bool) {
	b, err := guideFiles.ReadFile("guides/" + name + ".md")
	if err != nil {
		return "", false
	}
	s := strings.ReplaceAll(string(b), "{{policy}}", d.policyNote())
	s = strings.ReplaceAll(s, "{{helpers}}", helperList())
	s = strings.ReplaceAll(s, "{{error_kinds}}", kindTable(d.facts.Kinds))
	if strings.Contains(s, "{{globals}}") {
		s = strings.ReplaceAll(s, "{{globals}}", globalList())
	}
	for k, v := range d.facts.Limits {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	return strings.TrimRight(s, "\n") + "\n", true
}

// helperList renders the workos module's helpers as a Markdown list, from the
// module's own declaration of them.
func helperList() string {
	var b strings.Builder
	for _, h := range workos.Helpers() {
		names := make([]string, len(h.Params))
		for i, p := range h.Params {
			name, _, _ := strings.Cut(p, " ")
			names[i] = name
		}
		fmt.Fprintf(&b, "  - `workos.%s(%s)`: %s\n", h.Name, strings.Join(names, ", "), h.Doc)
	}
	return strings.TrimRight(b.String(), "\n")
}

// groups returns the catalog groups with only the allowed operations, dropping
// empty groups.
func (d *Pages) groups() []catalog.OpGroup {
	var out []catalog.OpGroup
	for _, g := range d.cat.Groups() {
		var ops []*catalog.Operation
		for _, op := range g.Ops {
			if d.allowed[op.Name] {
				ops = append(ops, op)
			}
		}
		if len(ops) > 0 {
			out = append(out, catalog.OpGroup{Name: g.Name, Ops: ops})
		}
	}
	return out
}

// List renders lua_list_docs and docs.list: without a namespace, every group on one line with
// its function names; with one, the matching groups' functions, one line each.
func (d *Pages) List(namespace string) string {
	ns := normalizePage(namespace)
	var b strings.Builder
	groups := d.groups()
	if ns == "" || ns == "workos" {
		n := 0
		for _, g := range groups {
			n += len(g.Ops)
		}
		fmt.Fprintf(&b, "# workos: %d functions in %d groups\n\nCall as workos.<name>{...}. lua_list_docs {namespace = \"<group>\"} lists a group with summaries; lua_read_doc {page = \"<name>\"} documents a function.\n\n", n, len(groups))
		for _, g := range groups {
			names := make([]string, len(g.Ops))
			for i, op := range g.Ops {
				names[i] = op.Name
			}
			fmt.Fprintf(&b, "- %s: %s\n", g.Name, strings.Join(names, ", "))
		}
		fmt.Fprintf(&b, "\nGuides (lua_read_doc): %s.\n", strings.Join(guideNames, ", "))
		if note := d.policyNote(); note != "" {
			b.WriteString(note + "\n")
		}
		return b.String()
	}
	if ns == "guides" {
		fmt.Fprintf(&b, "# guides\n\n")
		for _, name := range guideNames {
			text, _ := d.Guide(name)
			title, _, _ := strings.Cut(text, "\n")
			fmt.Fprintf(&b, "- %s\n", strings.TrimPrefix(title, "# "))
		}
		return b.String()
	}
	var matched []catalog.OpGroup
	for _, g := range groups {
		if g.Name == ns || strings.HasPrefix(g.Name, ns+".") || strings.HasPrefix(g.Name, ns+"-") {
			matched = append(matched, g)
		}
	}
	if len(matched) == 0 {
		// A function-name prefix such as "organizations" or "userland_users".
		var ops []*catalog.Operation
		for _, g := range groups {
			for _, op := range g.Ops {
				if strings.HasPrefix(op.Name, strings.ReplaceAll(ns, "-", "_")) {
					ops = append(ops, op)
				}
			}
		}
		if len(ops) > 0 {
			sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
			matched = []catalog.OpGroup{{Name: ns + "*", Ops: ops}}
		}
	}
	if len(matched) == 0 {
		names := make([]string, len(groups))
		for i, g := range groups {
			names[i] = g.Name
		}
		return fmt.Sprintf("Namespace %q not found. Namespaces: %s.\n", namespace, strings.Join(names, ", "))
	}
	for i, g := range matched {
		if i > 0 {
			b.WriteString("\n")
		}
		writeGroupIndex(&b, g)
	}
	return b.String()
}

// writeGroupIndex writes a group heading and one line per function.
func writeGroupIndex(b *strings.Builder, g catalog.OpGroup) {
	fmt.Fprintf(b, "# %s (%d)\n\n", g.Name, len(g.Ops))
	for _, op := range g.Ops {
		fmt.Fprintf(b, "- %s — %s [%s]\n", op.Name, oneLine(op.Summary), op.Access)
	}
}

// Search renders lua_search_docs and docs.search: up to limit (default 10)
// functions matching query, best first, and the guides that mention it.
func (d *Pages) Search(query string, limit int) string {
	if limit <= 0 {
		limit = 10
	}
	var b strings.Builder
	n := 0
	for _, h := range d.cat.Search(query, 0) {
		if !d.allowed[h.Op.Name] {
			continue
		}
		if n == limit {
			break
		}
		n++
		fmt.Fprintf(&b, "- %s — %s [%s]\n", h.Op.Signature(), oneLine(h.Op.Summary), h.Op.Access)
	}
	var guides []string
	for _, name := range guideNames {
		for _, t := range tokensOf(query) {
			if containsPrefix(guideKeywords[name], t) {
				guides = append(guides, name)
				break
			}
		}
	}
	if n == 0 && len(guides) == 0 {
		return fmt.Sprintf("No functions match %q. Try other words (e.g. a resource such as \"users\" and an action such as \"list\"), or lua_list_docs for the index.\n", query)
	}
	out := b.String()
	if n > 0 {
		out = fmt.Sprintf("%d matches for %q (best first; lua_read_doc <name> for details):\n", n, query) + out
	}
	if len(guides) > 0 {
		out += "Guides mentioning it: " + strings.Join(guides, ", ") + "\n"
	}
	return out
}

// Read renders lua_read_doc and docs.read. The bool is false for an unknown page; the text then
// lists the closest pages.
func (d *Pages) Read(page string) (string, bool) {
	p := normalizePage(page)
	if p == "" || p == "workos" {
		return d.Guide("overview")
	}
	if text, ok := d.Guide(p); ok {
		return text, true
	}
	if op, err := d.cat.Lookup(p); err == nil {
		text := op.Reference()
		if !d.allowed[op.Name] {
			// First, so an agent that reads only the top still sees it.
			text = "> Not callable on this server: its policy refuses " + op.Name + " (" + string(op.Access) +
				"); a script that calls it fails with outcome `denied`.\n\n" + text
		}
		return text, true
	} else if le, ok := err.(*catalog.LookupError); ok && len(le.Candidates) > 0 {
		return fmt.Sprintf("Page %q is ambiguous; it could mean: %s.\n", page, strings.Join(le.Candidates, ", ")), false
	}
	for _, g := range d.groups() {
		if g.Name == p {
			var b strings.Builder
			writeGroupIndex(&b, g)
			b.WriteString("\n## Signatures\n\n")
			for _, op := range g.Ops {
				fmt.Fprintf(&b, "- `%s`\n", op.Signature())
			}
			return b.String(), true
		}
	}
	if near := d.closest(p, 5); len(near) > 0 {
		return fmt.Sprintf("Page %q not found. Closest pages: %s. Guides: %s.\n", page,
			strings.Join(near, ", "), strings.Join(guideNames, ", ")), false
	}
	return fmt.Sprintf("Page %q not found, and no page name is close to it. Guides: %s; lua_list_docs (docs.list() in Lua) lists the functions, lua_search_docs (docs.search) finds them by words.\n",
		page, strings.Join(guideNames, ", ")), false
}

// closest returns up to n function or group names near p, allowed ones only.
func (d *Pages) closest(p string, n int) []string {
	var out []string
	for _, g := range d.groups() {
		if strings.Contains(g.Name, p) || strings.Contains(p, g.Name) {
			out = append(out, g.Name)
		}
	}
	for _, name := range d.cat.Suggest(p, n+len(d.cat.Operations())-len(d.allowed)) {
		if d.allowed[name] {
			out = append(out, name)
		}
	}
	for _, h := range d.cat.Search(strings.ReplaceAll(p, "_", " "), 0) {
		if d.allowed[h.Op.Name] && !slices.Contains(out, h.Op.Name) {
			out = append(out, h.Op.Name)
		}
		if len(out) >= n {
			break
		}
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// normalizePage strips the prefixes agents carry over from KosmoKrator
// ("app.", "integrations.workos.") and from Lua ("workos.").
func normalizePage(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, pre := range []string{"app.", "integrations.", "workos."} {
		s = strings.TrimPrefix(s, pre)
	}
	s = strings.TrimSuffix(s, "()")
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return textcut.Cut(s, 117, "...")
}

// tokensOf splits a query into lower-case words.
func tokensOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	})
}

// containsPrefix reports whether a word of list equals t, or t (4+ letters)
// starts it ("paginat" finds "paginate").
func containsPrefix(list []string, t string) bool {
	for _, x := range list {
		if x == t || (len(t) >= 4 && strings.HasPrefix(x, t)) {
			return true
		}
	}
	return false
}
