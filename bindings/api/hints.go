package api

import (
	"fmt"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// This file words the hints of a [ValidationError]: types with their
// articles, example values, bounds, and the closest valid name for a typo.

// article names a catalog type with its article ("an integer or json.null").
func article(typ string) string {
	parts := strings.Split(typ, "|")
	for i, t := range parts {
		switch t {
		case "integer", "array", "object":
			parts[i] = "an " + t
		case "null":
			parts[i] = "json.null"
		default:
			parts[i] = "a " + t
		}
	}
	return strings.Join(parts, " or ")
}

// exampleFor shows how to pass a value of the first type in typ.
func exampleFor(name, typ string) string {
	t := strings.Split(typ, "|")[0]
	switch t {
	case "string":
		return fmt.Sprintf(`pass %s = "..."`, name)
	case "integer", "number":
		return fmt.Sprintf("pass %s = 10", name)
	case "boolean":
		return fmt.Sprintf("pass %s = true", name)
	case "array":
		return fmt.Sprintf(`pass %s = {"a", "b"}`, name)
	case "object":
		return fmt.Sprintf("pass %s = {key = value}", name)
	}
	return ""
}

func boundsHint(minimum, maximum *float64) string {
	switch {
	case minimum != nil && maximum != nil:
		return fmt.Sprintf("pass a value between %v and %v", *minimum, *maximum)
	case minimum != nil:
		return fmt.Sprintf("pass a value of at least %v", *minimum)
	case maximum != nil:
		return fmt.Sprintf("pass a value of at most %v", *maximum)
	}
	return ""
}

// suggest prefixes hint with "did you mean ...?" when one of cands is close to s.
func suggest(s string, cands []string, hint string) string {
	if c := closest(s, cands); c != "" {
		return fmt.Sprintf("did you mean %q? %s", c, hint)
	}
	return hint
}

// closest returns the candidate nearest to s by edit distance, or "" when none
// is reasonably close.
func closest(s string, cands []string) string {
	best, bestD := "", 1<<30
	for _, c := range cands {
		d := catalog.EditDistance(strings.ToLower(s), strings.ToLower(c))
		short := min(len(s), len(c))
		if short >= 3 && (strings.Contains(c, s) || strings.Contains(s, c)) {
			d = d / 2
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD > max(2, len(s)/2) {
		return ""
	}
	return best
}
