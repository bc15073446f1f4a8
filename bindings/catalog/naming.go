package catalog

import (
	"regexp"
	"strings"
	"unicode"
)

// SeedPrefix is the prefix of KosmoKrator's seed names.
const SeedPrefix = "workos_"

var indexSuffix = regexp.MustCompile(`\[(\d+)\]$`)

// SeedName derives KosmoKrator's seed name from an operationId:
// "workos_" + snake_case(operationId without "Controller", "[N]" turned into "_N").
// For example "UserlandUsersController_list[0]" gives "workos_userland_users_list_0".
func SeedName(operationID string) string {
	s := strings.ReplaceAll(operationID, "Controller", "")
	s = indexSuffix.ReplaceAllString(s, "_$1")
	return SeedPrefix + SnakeCase(s)
}

// SnakeCase lower-cases s and puts "_" between a lower-case letter or digit and an
// upper-case letter, and before the last capital of a run of capitals followed by a
// lower-case letter ("JSONWeb" gives "json_web"). Existing underscores are kept;
// "-" becomes "_".
func SnakeCase(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		if c == '-' {
			c = '_'
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

var titleStopwords = map[string]bool{"on": true, "of": true, "for": true, "in": true, "to": true, "the": true, "a": true, "an": true}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// TitleAlias derives KosmoKrator's runtime function name from an operation title:
// lower-case it, turn each run of other characters into "_", drop the stopwords
// on/of/for/in/to/the/a/an and any word equal to the provider name ("workos", with
// a trailing "s" stripped from both), and prefix "_" when it starts with a digit.
// "Validate API key" gives "validate_api_key".
func TitleAlias(title string) string {
	words := strings.Split(nonAlnum.ReplaceAllString(strings.ToLower(title), "_"), "_")
	provider := strings.TrimSuffix("workos", "s")
	var kept []string
	for _, w := range words {
		if w == "" || titleStopwords[w] || strings.TrimSuffix(w, "s") == provider {
			continue
		}
		kept = append(kept, w)
	}
	out := strings.Join(kept, "_")
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "_" + out
	}
	return out
}
