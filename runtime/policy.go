package runtime

import (
	"fmt"
	"path"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// PolicyError is raised when the write policy or the Allow/Deny lists refuse a call.
type PolicyError struct {
	Function string
	Access   catalog.Access
	Reason   string
}

// Error names the refused function, its access class and why it was refused.
func (e *PolicyError) Error() string {
	return fmt.Sprintf("denied: %s (%s) %s", e.Function, e.Access, e.Reason)
}

// Kind reports the error kind to the Lua module and the result envelope.
func (e *PolicyError) Kind() string { return KindDenied }

// policyError says whether op may be called under the runtime's policy.
func (r *Runtime) policyError(op *catalog.Operation) error {
	if matchAny(r.opts.Deny, op) {
		return &PolicyError{Function: op.Name, Access: op.Access, Reason: "is on the deny list; the host must remove it from Deny to allow it"}
	}
	if len(r.opts.Allow) > 0 && !matchAny(r.opts.Allow, op) {
		return &PolicyError{Function: op.Name, Access: op.Access, Reason: "is not on the allow list; the host must add it to Allow"}
	}
	if r.opts.WritePolicy == WriteDeny && op.Access != catalog.Read {
		return &PolicyError{Function: op.Name, Access: op.Access, Reason: "is refused by the read-only write policy (write=deny); only read functions may run — ask the host to allow writes"}
	}
	return nil
}

// matchAny reports whether a pattern matches the operation's canonical or seed name.
func matchAny(patterns []string, op *catalog.Operation) bool {
	for _, p := range patterns {
		for _, n := range []string{op.Name, op.SeedName} {
			if ok, _ := path.Match(p, n); ok {
				return true
			}
		}
	}
	return false
}
