package workos

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// AccountCaller is a [Caller] that also routes calls to named accounts: the
// host holds each account's key, so a script (and a worker process) only
// ever names the account.
type AccountCaller interface {
	Caller
	// Account returns the Caller whose calls go to the named account.
	Account(name string) Caller
}

// accountTable returns the module table of a named account (workos.<name>),
// building it on first use; ok is false when name is no account.
func (s *state) accountTable(L *lua.LState, name string) (*lua.LTable, bool) {
	t, ok := s.accounts[name]
	if !ok {
		return nil, false
	}
	if t == nil {
		ac := s.m.Caller.(AccountCaller) // checked by Preload
		t = s.m.newState(L, ac.Account(name), s.byFn).proxy
		s.accounts[name] = t
	}
	s.cache.RawSetString(name, t)
	return t, true
}

// NameError is a name under workos that is neither a function nor, when the
// host configured named accounts, an account.
type NameError struct {
	// Lookup is the catalog's answer (with its suggestions).
	Lookup *catalog.LookupError
	// Accounts are the configured account names, besides "default".
	Accounts []string
}

// Error is the catalog's message, plus the accounts the name could have been.
func (e *NameError) Error() string {
	return fmt.Sprintf("%s; it is not a configured account either (accounts: default, %s)", e.Lookup.Error(), strings.Join(e.Accounts, ", "))
}

// Unwrap returns the catalog's error, so kinds and suggestions carry over.
func (e *NameError) Unwrap() error { return e.Lookup }

// unknownName adds the configured accounts to a failed lookup of
// workos.<name> (the name may have been meant as an account).
func (s *state) unknownName(err error) error {
	var le *catalog.LookupError
	if len(s.accounts) == 0 || !errors.As(err, &le) {
		return err
	}
	names := make([]string, 0, len(s.accounts))
	for n := range s.accounts {
		names = append(names, n)
	}
	slices.Sort(names)
	return &NameError{Lookup: le, Accounts: names}
}
