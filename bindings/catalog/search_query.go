package catalog

import (
	"slices"
	"strings"
)

// intent is what a query asks for: to read state or to change it.
type intent int

const (
	// intentRead: a question or a noun phrase ("which users are admins",
	// "organizations without verified domains"); writes rank lower.
	intentRead intent = iota
	// intentWrite: the query says a change ("invite a user", "remove a member").
	intentWrite
)

// queryTerm is one word Search looks for, with how much it counts. group
// numbers the query word it came from (synonyms share their word's group) so
// coverage counts query words, not expansions.
type queryTerm struct {
	term   string
	weight float64
	group  int
}

// searchQuery is a parsed query.
type searchQuery struct {
	terms  []queryTerm
	groups int
	intent intent
	// verbs are the action words of the query, mapped to the name verbs they
	// mean ("remove" gives delete, remove, revoke).
	verbs map[string]bool
	// whole is the query's words joined by "_", for queries that are a name.
	whole string
}

// synonymWeight is how much a synonym counts next to the word itself.
const synonymWeight = 0.7

// prefixWeight is how much a vocabulary word a query word is a prefix of
// counts, when the query word itself occurs nowhere ("org" finds "organization").
const prefixWeight = 0.5

// maxQueryBytes and maxQueryWords bound the part of a query Search reads: a
// task is said in a few words, and a pasted script or a hostile megabyte
// must not cost more than a normal query.
const (
	maxQueryBytes = 1024
	maxQueryWords = 32
)

// parseQuery reads a query: its words (stemmed, stopwords dropped, synonyms
// added), its intent and its action verbs.
func (ix *searchIndex) parseQuery(query string) searchQuery {
	sw := ix.words
	if len(query) > maxQueryBytes {
		query = query[:maxQueryBytes]
	}
	raw := tokens(query)
	if len(raw) > maxQueryWords {
		raw = raw[:maxQueryWords]
	}
	raw = ix.words.joinParticles(raw)
	q := searchQuery{verbs: map[string]bool{}}
	var words []string
	plural := false
	for _, w := range raw {
		s := stem(w)
		if m, ok := sw.verbMeaning[s]; ok {
			for _, v := range m {
				q.verbs[v] = true
			}
		}
		if sw.stopwords[w] || sw.stopwords[s] {
			continue
		}
		if a, ok := sw.abbreviations[s]; ok {
			s = a
		}
		if s != w && !sw.readWords[w] && !sw.writeWords[s] {
			plural = true
		}
		words = append(words, s)
	}
	q.intent = ix.words.detectIntent(raw)
	// A read about several things ("which users are admins", "organizations
	// without verified domains") is a list unless the query names its verb.
	if q.intent == intentRead && plural && len(q.verbs) == 0 {
		q.verbs["list"] = true
	}
	q.whole = strings.Join(raw, "_")
	for g, w := range words {
		add := func(t string, weight float64) {
			for i := range q.terms {
				if q.terms[i].term == t && q.terms[i].group == g {
					q.terms[i].weight = max(q.terms[i].weight, weight)
					return
				}
			}
			q.terms = append(q.terms, queryTerm{term: t, weight: weight, group: g})
		}
		if ix.df[w] > 0 {
			add(w, 1)
		} else if len(w) >= 3 {
			for _, v := range ix.vocab {
				if len(v) > len(w) && strings.HasPrefix(v, w) {
					add(v, prefixWeight)
				}
			}
		}
		for _, syn := range sw.synonyms[w] {
			if syn != w {
				add(syn, synonymWeight)
			}
		}
	}
	// Keep term order stable for reproducible float sums.
	slices.SortStableFunc(q.terms, func(a, b queryTerm) int { return strings.Compare(a.term, b.term) })
	q.groups = len(words)
	return q
}

// detectIntent says whether raw asks to read or to change. Agents phrase
// changes as commands ("invite a user", "remove a user from an org", "how do
// I revoke a session"); questions ("which users are admins", "who can log
// in") and noun phrases ("social login identities", "users of an
// organization") read, even when they contain an action word.
func (sw *searchWords) detectIntent(raw []string) intent {
	i := 0
	for i < len(raw) && (sw.politeWords[raw[i]] || sw.stopwords[raw[i]] && !sw.questionWords[raw[i]]) {
		i++
	}
	if i < len(raw) && sw.writeWords[stem(raw[i])] {
		return intentWrite
	}
	return intentRead
}

// joinParticles joins phrasalVerbs, allowing up to two words between verb and
// particle.
func (sw *searchWords) joinParticles(raw []string) []string {
	out := make([]string, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		joined := false
		for j := i + 1; j < len(raw) && j <= i+3; j++ {
			if v, ok := sw.phrasalVerbs[[2]string{raw[i], raw[j]}]; ok {
				out = append(out, v)
				out = append(out, raw[i+1:j]...)
				i = j
				joined = true
				break
			}
		}
		if !joined {
			out = append(out, raw[i])
		}
	}
	return out
}
