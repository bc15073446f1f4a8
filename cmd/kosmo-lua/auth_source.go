package main

import "fmt"

// keyOrigin says, for people, where a runtime's API key came from: the flag,
// the environment variable, or an account of the accounts file (and which
// file), so that two places holding different keys can be told apart.
func keyOrigin(res *Resolved) string {
	switch res.KeySource {
	case "flag":
		return "--api-key"
	case "env":
		return "$WORKOS_API_KEY"
	case "emulator":
		return "the built-in emulator"
	case "account":
		if res.ConfigPath != "" {
			return fmt.Sprintf("account %q in %s", res.Account, res.ConfigPath)
		}
		return fmt.Sprintf("account %q", res.Account)
	}
	return res.KeySource
}
