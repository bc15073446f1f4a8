package catalog

import (
	"sort"
	"strings"
)

// Hit is one search result.
type Hit struct {
	Op    *Operation
	Score int
}

// Search ranks operations against a free-text query over names, aliases,
// summaries, descriptions, tags and parameter keys. It returns at most limit hits
// (all when limit <= 0), best first; ties go by name.
func (c *Catalog) Search(query string, limit int) []Hit {
	var terms []string
	for _, t := range tokens(query) {
		if !queryStopwords[t] {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return nil
	}
	whole := strings.Join(terms, "_")
	var hits []Hit
	for _, op := range c.ops {
		score := 0
		if strings.Contains(op.Name, whole) {
			score += 12
		}
		nameToks := tokens(op.Name + " " + op.TitleAlias)
		summary := tokens(op.Summary)
		desc := tokens(op.Description)
		tags := tokens(strings.Join(op.Tags, " "))
		var keys []string
		for _, p := range op.Params {
			keys = append(keys, tokens(p.Key)...)
		}
		if op.Body != nil {
			for _, f := range op.Body.Fields {
				keys = append(keys, tokens(f.Name)...)
			}
		}
		matched := 0
		for _, t := range terms {
			s := 0
			s += 6 * countMatch(nameToks, t)
			s += 4 * min(countMatch(summary, t), 2)
			s += 3 * min(countMatch(tags, t), 1)
			s += 2 * min(countMatch(keys, t), 1)
			s += min(countMatch(desc, t), 3)
			if s > 0 {
				matched++
			}
			score += s
		}
		if score == 0 {
			continue
		}
		// Prefer operations that match every term.
		score += 5 * matched
		if matched == len(terms) {
			score += 10
		}
		// Prefer names the query explains fully: "list organizations" is
		// organizations_list rather than organization_api_keys_list.
		own := meaningful(tokens(op.Name))
		explained := 0
		for _, nt := range own {
			if countMatch(terms, nt) > 0 {
				explained++
			}
		}
		if len(own) > 0 {
			score += 8*explained/len(own) - len(own)/2
		}
		// A title the query says in full ("List users") is a strong match.
		if words := meaningful(summary); len(words) > 0 {
			all := true
			for _, w := range words {
				if countMatch(terms, w) == 0 {
					all = false
				}
			}
			if all {
				score += 12
			}
		}
		hits = append(hits, Hit{Op: op, Score: score})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Op.Name < hits[j].Op.Name
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// countMatch counts tokens equal to t or (for terms of 3+ letters) starting with
// it, treating a trailing "s" as optional so "users" finds "user".
func countMatch(toks []string, t string) int {
	n := 0
	ts := strings.TrimSuffix(t, "s")
	for _, x := range toks {
		xs := strings.TrimSuffix(x, "s")
		if x == t || xs == ts || (len(t) >= 3 && strings.HasPrefix(x, t)) {
			n++
		}
	}
	return n
}

// queryStopwords are words of a natural-language query that carry no meaning
// for ranking.
var queryStopwords = map[string]bool{
	"a": true, "an": true, "the": true, "in": true, "of": true, "for": true, "to": true, "on": true,
	"by": true, "with": true, "all": true, "my": true, "me": true, "how": true, "do": true, "i": true,
}

// meaningful drops tokens that say nothing about what an operation does: the
// "userland" prefix of AuthKit operations, numeric suffixes and stopwords.
func meaningful(toks []string) []string {
	var out []string
	for _, t := range toks {
		if t == "userland" || queryStopwords[t] || (t[0] >= '0' && t[0] <= '9') {
			continue
		}
		out = append(out, t)
	}
	return out
}

func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// OpGroup is a named set of operations for a compact index.
type OpGroup struct {
	// Name is the specification tag, e.g. "organizations" or "user-management.users".
	Name string
	Ops  []*Operation
}

// Groups returns operations grouped by their first tag, groups sorted by name and
// operations by canonical name.
func (c *Catalog) Groups() []OpGroup {
	by := map[string][]*Operation{}
	for _, op := range c.ops {
		tag := "other"
		if len(op.Tags) > 0 {
			tag = op.Tags[0]
		}
		by[tag] = append(by[tag], op)
	}
	out := make([]OpGroup, 0, len(by))
	for name, ops := range by {
		sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
		out = append(out, OpGroup{Name: name, Ops: ops})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
