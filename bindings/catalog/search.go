package catalog

import (
	"sort"
	"strings"
)

// Hit is one search result.
type Hit struct {
	Op *Operation
	// Score orders hits; only its order means something (it is a scaled BM25F
	// score with intent and coverage adjustments).
	Score int
	// AllTerms is true when every meaningful word of the query (or one of its
	// synonyms) matched the operation.
	AllTerms bool
}

// Ranking adjustments on top of BM25F.
const (
	// readPenalty multiplies a write or destructive operation's score when the
	// query asks to read.
	readPenalty = 0.45
	// writePenalty multiplies a read operation's score when the query asks
	// for a change: "export audit logs" creates an export rather than reading
	// one.
	writePenalty = 0.8
	// headBonus multiplies the score of an operation whose title's head noun
	// is a query word: "list roles" is "List environment roles" more than
	// "List role assignments".
	headBonus = 1.2
	// otherFormsWeight is how much the forms of a query word other than its
	// best match add ("sign out" matches logout and session).
	otherFormsWeight = 0.25
	// verbBonus multiplies the score of an operation whose name verb is the
	// query's action ("remove" and delete, "show" and list).
	verbBonus = 1.35
	// nameBonus is added when the query is the operation's name, seed name or
	// title alias, and half of it when the name contains the query's words.
	nameBonus = 8.0
	// titleCoverage scales the bonus for the share of the query's words found
	// in the operation's name or title: "remove a user from an org" is the
	// membership whose name says user and organization, not a function whose
	// description mentions both.
	titleCoverage = 1.0
)

// Search ranks operations against a free-text query with BM25F over names,
// KosmoKrator title aliases, summaries, tags, descriptions, parameter and body
// field names and the response's fields, with a small synonym table ("admin"
// also searches roles, "invite" invitations, "SSO" connections) and a
// read-intent detector: a question or noun phrase ranks reads above writes.
// It returns at most limit hits (all when limit <= 0), best first; ties go by
// name. The index is built on the first call.
func (c *Catalog) Search(query string, limit int) []Hit {
	ix := c.searchIndex()
	q := ix.parseQuery(query)
	if q.groups == 0 {
		return nil
	}
	var hits []Hit
	for i := range ix.docs {
		d := &ix.docs[i]
		score, all := ix.match(d, &q)
		if score == 0 {
			continue
		}
		score = q.adjust(d, score)
		hits = append(hits, Hit{Op: d.op, Score: int(score*100 + 0.5), AllTerms: all})
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

// match scores d against the query's words: BM25F per word (its best form,
// plus a little for its other forms), scaled by the share of words matched
// and the share found in the name or title. all is true when every word
// matched.
func (ix *searchIndex) match(d *searchDoc, q *searchQuery) (score float64, all bool) {
	best := make([]float64, q.groups)
	sum := make([]float64, q.groups)
	inTitle := make([]bool, q.groups)
	for _, t := range q.terms {
		if s := ix.termScore(d, t.term); s > 0 {
			best[t.group] = max(best[t.group], t.weight*s)
			sum[t.group] += t.weight * s
			if c := d.tf[t.term]; c[fieldName] > 0 || c[fieldSummary] > 0 {
				inTitle[t.group] = true
			}
		}
	}
	matched, titled := 0, 0
	for g, s := range best {
		score += s + otherFormsWeight*(sum[g]-s)
		if s > 0 {
			matched++
		}
		if inTitle[g] {
			titled++
		}
	}
	if score == 0 {
		return 0, false
	}
	coverage := float64(matched) / float64(q.groups)
	score *= 0.4 + 0.6*coverage*coverage
	score *= 1 + titleCoverage*float64(titled)/float64(q.groups)
	return score, matched == q.groups
}

// adjust applies what the query says beyond its words: a name typed in full,
// the action asked for, the title's head noun and the intent.
func (q *searchQuery) adjust(d *searchDoc, score float64) float64 {
	op := d.op
	if q.whole == op.Name || q.whole == op.TitleAlias || q.whole == strings.TrimPrefix(op.SeedName, SeedPrefix) {
		score += nameBonus
	} else if len(q.whole) >= 4 && strings.Contains(op.Name, q.whole) {
		score += nameBonus / 2
	}
	for v := range d.verbs {
		if q.verbs[v] {
			score *= verbBonus
			break
		}
	}
	for _, t := range q.terms {
		if t.term == d.head && d.tf[t.term] != nil {
			score *= headBonus
			break
		}
	}
	switch {
	case q.intent == intentRead && op.Access != Read:
		score *= readPenalty
	case q.intent == intentWrite && op.Access == Read:
		score *= writePenalty
	}
	return score
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
