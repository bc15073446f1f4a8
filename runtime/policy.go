package runtime

import (
	"fmt"
	"path"
	"strings"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// PolicyError is raised when the write policy or the Allow/Deny lists refuse a call.
type PolicyError struct {
	Function string
	Access   catalog.Access
	Reason   string
	// Setting is the option that refused it: "WritePolicy", "Allow" or
	// "Deny"; Entry is the Deny entry that matched.
	Setting, Entry string
	// Account is the named account whose write policy refused the call
	// ("" for the default account).
	Account string `json:",omitempty"`
	// Ask is true when the policy is ask and no one approved the write;
	// Rejected when a person rejected it.
	Ask, Rejected bool `json:",omitempty"`
}

// Error names the refused function, its access class and why it was refused.
func (e *PolicyError) Error() string {
	return fmt.Sprintf("denied: %s (%s) %s", e.Function, e.Access, e.Reason)
}

// Kind reports the error kind to the Lua module and the result envelope.
func (e *PolicyError) Kind() string { return KindDenied }

// policyError says whether op may be called on the default account.
func (r *Runtime) policyError(op *catalog.Operation) error { return r.accountPolicyError(r.dflt, op) }

// accountPolicyError says whether op may be called on a: the Allow and Deny
// lists hold for every account, the write policy is the account's own.
func (r *Runtime) accountPolicyError(a *account, op *catalog.Operation) error {
	if entry, ok := r.deny.match(op); ok {
		return &PolicyError{Function: op.Name, Access: op.Access, Setting: "Deny", Entry: entry,
			Reason: fmt.Sprintf("is on the deny list (%s); the host must remove it from Deny to allow it", entry)}
	}
	if _, ok := r.allow.match(op); len(r.allow) > 0 && !ok {
		return &PolicyError{Function: op.Name, Access: op.Access, Setting: "Allow", Reason: "is not on the allow list; the host must add it to Allow"}
	}
	if a.write == WriteDeny && op.Access != catalog.Read {
		reason, name := "is refused by the read-only write policy (write=deny); only read functions may run — ask the host to allow writes", ""
		if a != r.dflt {
			name = a.name
			reason = fmt.Sprintf("is refused by account %q's read-only write policy (write=deny); only read functions may run on it — use another account or ask the host to allow writes on this one", a.name)
		}
		return &PolicyError{Function: op.Name, Access: op.Access, Setting: "WritePolicy", Account: name, Reason: reason}
	}
	if a.policyFor(op.Access) == WriteDeny {
		e := &PolicyError{Function: op.Name, Access: op.Access, Setting: "DestructivePolicy",
			Reason: "is refused by the destructive policy (destructive=deny); writes may run, deletes and other irreversible calls may not — ask the host to allow or ask for destructive calls"}
		if a != r.dflt {
			e.Account = a.name
		}
		return e
	}
	return nil
}

// nameList is a checked Allow or Deny list: exact names resolved to canonical
// ones (so seed names and title aliases work), and valid globs.
type nameList []nameMatcher

type nameMatcher struct {
	name string // canonical name, for an exact entry
	glob string // pattern, for a glob entry
}

// compileNames checks an Allow or Deny list: a glob must be well-formed and an
// exact name must resolve, so a typo cannot silently protect nothing.
func compileNames(catFn func() *catalog.Catalog, field string, patterns []string) (nameList, error) {
	var out nameList
	for _, p := range patterns {
		if strings.ContainsAny(p, "*?[\\") {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("runtime: %s pattern %q: %v; use * and ? globs such as \"organizations_*\"", field, p, err)
			}
			out = append(out, nameMatcher{glob: p})
			continue
		}
		op, err := catFn().Lookup(p)
		if err != nil {
			return nil, fmt.Errorf("runtime: %s entry %q: %w", field, p, err)
		}
		out = append(out, nameMatcher{name: op.Name})
	}
	return out, nil
}

// match returns the first entry that names op: an exact entry by its
// canonical name, a glob by the canonical, seed or title name.
func (l nameList) match(op *catalog.Operation) (string, bool) {
	for _, m := range l {
		if m.name != "" {
			if m.name == op.Name {
				return m.name, true
			}
			continue
		}
		for _, n := range []string{op.Name, op.SeedName, op.TitleAlias} {
			if ok, _ := path.Match(m.glob, n); ok && n != "" {
				return m.glob, true
			}
		}
	}
	return "", false
}
