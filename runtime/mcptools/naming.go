package mcptools

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MaxToolNameLen is the longest per-function tool name. MCP clients limit tool
// names to 64 characters after adding their own prefix (Claude Code's
// "mcp__<server>__" is 12 characters for a server named "kosmo"), so names stay
// within 64 - 12.
const MaxToolNameLen = 52

// ToolPrefix starts every per-function tool name.
const ToolPrefix = "workos_"

// abbreviations shorten long words of canonical names, in step 2 of [ToolName].
var abbreviations = map[string]string{
	"application":    "app",
	"applications":   "apps",
	"assignment":     "assign",
	"assignments":    "assigns",
	"authentication": "authn",
	"authorization":  "authz",
	"external":       "ext",
	"installation":   "install",
	"integration":    "integ",
	"integrations":   "integs",
	"management":     "mgmt",
	"membership":     "mship",
	"memberships":    "mships",
	"organization":   "org",
	"organizations":  "orgs",
	"permission":     "perm",
	"permissions":    "perms",
	"resource":       "res",
	"resources":      "res",
}

// ToolName returns the per-function tool name of a canonical catalog name. The
// rule is deterministic and stops at the first step that fits in
// [MaxToolNameLen]:
//
//  1. "workos_" + the canonical name, e.g. "workos_organizations_list";
//  2. the same with long words abbreviated (authorization→authz,
//     organization→org, memberships→mships, permissions→perms, external→ext,
//     management→mgmt, integrations→integs, ... — see the table in naming.go);
//  3. additionally dropping every word already used earlier in the name
//     ("..._role_assignments_list_role_assignments" → "..._role_assigns_list");
//  4. step 3 cut to MaxToolNameLen-7 characters plus "_" and the first six hex
//     digits of the SHA-256 of the canonical name.
//
// Names contain only [a-z0-9_]. The server checks that the names of its tools
// are unique (see [ToolNames]).
func ToolName(canonical string) string {
	full := ToolPrefix + canonical
	if len(full) <= MaxToolNameLen {
		return full
	}
	words := strings.Split(canonical, "_")
	for i, w := range words {
		if a, ok := abbreviations[w]; ok {
			words[i] = a
		}
	}
	if s := ToolPrefix + strings.Join(words, "_"); len(s) <= MaxToolNameLen {
		return s
	}
	seen := map[string]bool{}
	kept := words[:0:0]
	for _, w := range words {
		if seen[w] && !isDigits(w) {
			continue
		}
		seen[w] = true
		kept = append(kept, w)
	}
	s := ToolPrefix + strings.Join(kept, "_")
	if len(s) <= MaxToolNameLen {
		return s
	}
	return hashed(s, canonical)
}

// hashed cuts s and appends a short hash of canonical.
func hashed(s, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	cut := strings.TrimRight(s[:min(len(s), MaxToolNameLen-7)], "_")
	return cut + "_" + hex.EncodeToString(sum[:])[:6]
}

// ToolNames maps canonical names to tool names. When two names shorten to the
// same tool name, each of them gets the hashed form of step 4, so the result is
// always collision-free.
func ToolNames(canonical []string) map[string]string {
	out := make(map[string]string, len(canonical))
	users := map[string][]string{}
	for _, c := range canonical {
		n := ToolName(c)
		out[c] = n
		users[n] = append(users[n], c)
	}
	for _, cs := range users {
		if len(cs) < 2 {
			continue
		}
		for _, c := range cs {
			out[c] = hashed(out[c], c)
		}
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
