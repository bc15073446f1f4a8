package catalog

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// The fields of an operation that search indexes, each with its own weight
// and length normalisation (BM25F).
const (
	fieldName    = iota // canonical name and KosmoKrator title alias
	fieldSummary        // the one-line title
	fieldTags           // specification tags
	fieldDesc           // the description
	fieldKeys           // parameter and request body field names
	fieldResult         // the response's schema name and field names, one level down, and their enum values
	fieldDetail         // parameter and body field descriptions
	numFields
)

// fieldWeight says how much a match in each field counts; fieldNorm is BM25's
// b, how much a long field dilutes its matches. Names and titles are short and
// say what an operation does; descriptions and schemas mention much else.
var (
	fieldWeight = [numFields]float64{fieldName: 3, fieldSummary: 2.5, fieldTags: 1, fieldDesc: 0.7, fieldKeys: 0.8, fieldResult: 0.6, fieldDetail: 0.25}
	fieldNorm   = [numFields]float64{fieldName: 0.6, fieldSummary: 0.5, fieldTags: 0.3, fieldDesc: 0.75, fieldKeys: 0.5, fieldResult: 0.5, fieldDetail: 0.75}
)

// bm25K1 is BM25's term-frequency saturation.
const bm25K1 = 1.2

// searchIndex is the inverted index Search ranks with. It is built on the
// first search, not when the catalog is loaded.
type searchIndex struct {
	docs   []searchDoc
	avgLen [numFields]float64
	df     map[string]int // documents containing the term in any field
	vocab  []string       // every indexed term, for prefix expansion
	words  *searchWords
}

// searchDoc is one operation's terms by field.
type searchDoc struct {
	op *Operation
	// tf counts each term's occurrences by field.
	tf  map[string]*termFreq
	len [numFields]int
	// verbs are the action words of the name and the title ("list",
	// "create", ...).
	verbs map[string]bool
	// head is the title's head noun, its last word before a preposition:
	// "key" for "List API keys for an organization".
	head string
}

// termFreq is a term's count in each field of a document.
type termFreq [numFields]uint16

func buildSearchIndex(ops []*Operation) *searchIndex {
	ix := &searchIndex{docs: make([]searchDoc, len(ops)), df: map[string]int{}, words: newSearchWords()}
	sw := ix.words
	var total [numFields]int
	for i, op := range ops {
		d := &ix.docs[i]
		d.op = op
		var texts [numFields][]string
		// Each name word once: generated names repeat their resource
		// ("authorization_role_assignments_list_role_assignments") and the
		// title alias repeats the name.
		for _, t := range analyze(op.Name + " " + op.TitleAlias) {
			if !sw.nameNoise[t] && !isNumber(t) && !slices.Contains(texts[fieldName], t) {
				texts[fieldName] = append(texts[fieldName], t)
			}
		}
		texts[fieldSummary] = analyze(op.Summary)
		texts[fieldTags] = analyze(strings.Join(op.Tags, " "))
		texts[fieldDesc] = analyze(op.Description)
		for _, p := range op.Params {
			texts[fieldKeys] = append(texts[fieldKeys], analyze(p.Key)...)
			texts[fieldDetail] = append(texts[fieldDetail], analyze(p.Description)...)
		}
		if op.Body != nil {
			for _, f := range op.Body.Fields {
				texts[fieldKeys] = append(texts[fieldKeys], analyze(f.Name)...)
				texts[fieldDetail] = append(texts[fieldDetail], analyze(f.Description)...)
			}
		}
		texts[fieldResult] = resultTerms(op)
		d.verbs = map[string]bool{}
		for _, t := range analyze(op.Name) {
			if sw.actionVerbs[t] {
				d.verbs[t] = true
			}
		}
		if len(texts[fieldSummary]) > 0 {
			d.verbs[texts[fieldSummary][0]] = true
		}
		d.head = sw.titleHead(texts[fieldSummary])
		n := 0
		for f := range numFields {
			n += len(texts[f])
		}
		// One map per document and the counts in one block: the index is
		// built on the first search, so its cost is that search's latency.
		d.tf = make(map[string]*termFreq, n/2)
		block := make([]termFreq, 0, n) // never grows: pointers into it stay valid
		for f := range numFields {
			for _, t := range texts[f] {
				c := d.tf[t]
				if c == nil {
					block = append(block, termFreq{})
					c = &block[len(block)-1]
					d.tf[t] = c
					ix.df[t]++
				}
				c[f]++
			}
			d.len[f] = len(texts[f])
			total[f] += len(texts[f])
		}
	}
	for f := range numFields {
		ix.avgLen[f] = max(1, float64(total[f])/float64(max(1, len(ops))))
	}
	ix.vocab = make([]string, 0, len(ix.df))
	for t := range ix.df {
		ix.vocab = append(ix.vocab, t)
	}
	return ix
}

// titleHead returns the last word of summary before its first preposition.
func (sw *searchWords) titleHead(summary []string) string {
	head := ""
	for i, t := range summary {
		if i > 0 && sw.titlePrepositions[t] {
			break
		}
		head = t
	}
	return head
}

// idf is BM25's inverse document frequency of t.
func (ix *searchIndex) idf(t string) float64 {
	n, df := float64(len(ix.docs)), float64(ix.df[t])
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// termScore is the BM25F score of one term in one document (0 when absent).
func (ix *searchIndex) termScore(d *searchDoc, t string) float64 {
	c := d.tf[t]
	if c == nil {
		return 0
	}
	tf := 0.0
	for f := range numFields {
		n := c[f]
		if n == 0 {
			continue
		}
		norm := 1 - fieldNorm[f] + fieldNorm[f]*float64(d.len[f])/ix.avgLen[f]
		tf += fieldWeight[f] * float64(n) / norm
	}
	if tf == 0 {
		return 0
	}
	return ix.idf(t) * tf * (bm25K1 + 1) / (tf + bm25K1)
}

// analyze splits text into lower-case words and stems each.
func analyze(s string) []string {
	toks := tokens(s)
	for i, t := range toks {
		toks[i] = stem(t)
	}
	return toks
}

// stem folds plurals onto the singular ("invitations" and "invitation",
// "policies" and "policy"). It leaves other endings alone: event types such as
// "organization.created" should not match "create".
func stem(t string) string {
	switch {
	case len(t) > 4 && strings.HasSuffix(t, "ies"):
		return t[:len(t)-3] + "y"
	case len(t) > 3 && strings.HasSuffix(t, "s") && !strings.HasSuffix(t, "ss") && !strings.HasSuffix(t, "us"):
		return t[:len(t)-1]
	}
	return t
}

// splitCamel puts spaces between the words of a CamelCase schema name.
func splitCamel(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isNumber(t string) bool {
	return t != "" && t[0] >= '0' && t[0] <= '9'
}

func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}
