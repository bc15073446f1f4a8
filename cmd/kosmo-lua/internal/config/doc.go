// Package config stores kosmo-lua's named WorkOS accounts in a JSON file,
// by default $XDG_CONFIG_HOME/kosmo-lua/config.json (see [DefaultPath]):
//
//	{
//	  "default_account": "prod",
//	  "accounts": {
//	    "prod":    {"api_key": "sk_live_...", "write": "deny"},
//	    "staging": {"api_key": "sk_test_...", "base_url": "http://127.0.0.1:4100"}
//	  }
//	}
//
// The file holds secrets, so [Save] writes it with mode 0600 (directory 0700),
// atomically, and [Load] refuses to read a file that group or other can read
// (a [*PermissionError] saying which chmod fixes it). API keys leave this package
// only through [Account.APIKey]; [Mask] renders a key for display.
package config
