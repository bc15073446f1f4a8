package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strings"
)

// FileName is the config file's name inside the config directory.
const FileName = "config.json"

// DefaultAccountName is the account used when none is named and the file sets
// no default.
const DefaultAccountName = "default"

// File is the config file's content.
type File struct {
	// DefaultAccount names the account used without --account. Empty means
	// DefaultAccountName.
	DefaultAccount string `json:"default_account,omitempty"`
	// Accounts by name.
	Accounts map[string]*Account `json:"accounts,omitempty"`
}

// Account is one named set of credentials and settings.
type Account struct {
	// APIKey is the WorkOS secret key. Never print it; use [Mask].
	APIKey string `json:"api_key"`
	// BaseURL overrides the API base URL for this account. Optional.
	BaseURL string `json:"base_url,omitempty"`
	// Write is this account's write policy: "", "allow", "ask" or "deny". A
	// "deny" (or "ask") here cannot be widened by a command-line --write allow.
	Write string `json:"write,omitempty"`
	// Destructive is this account's policy for destructive functions: "",
	// "allow", "ask" or "deny" ("" follows Write). Flags cannot widen it.
	Destructive string `json:"destructive,omitempty"`
}

// PermissionError reports a config file that group or other may read.
type PermissionError struct {
	Path string
	Mode fs.FileMode
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("config: %s is readable by group or others (mode %04o) and holds API keys; refusing to read it: run `chmod 600 %s`",
		e.Path, e.Mode.Perm(), e.Path)
}

// DefaultPath returns $XDG_CONFIG_HOME/kosmo-lua/config.json, falling back to
// the OS config directory (~/.config on Linux). getenv is os.Getenv in production.
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "kosmo-lua", FileName), nil
	}
	if h := getenv("HOME"); h != "" && goruntime.GOOS != "windows" && goruntime.GOOS != "darwin" {
		return filepath.Join(h, ".config", "kosmo-lua", FileName), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config: no config directory: %w (set XDG_CONFIG_HOME)", err)
	}
	return filepath.Join(d, "kosmo-lua", FileName), nil
}

// DefaultStateDir returns $XDG_STATE_HOME/kosmo-lua, falling back to
// ~/.local/state/kosmo-lua, then the directory of configPath.
func DefaultStateDir(getenv func(string) string, configPath string) string {
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "kosmo-lua")
	}
	if h := getenv("HOME"); h != "" && goruntime.GOOS != "windows" {
		return filepath.Join(h, ".local", "state", "kosmo-lua")
	}
	return filepath.Dir(configPath)
}

// Load reads the file at path. A missing file is an empty File, not an error.
// A file group or other can read is refused with a *PermissionError.
func Load(path string) (*File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Accounts: map[string]*Account{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if goruntime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, &PermissionError{Path: path, Mode: fi.Mode()}
	}
	var cf File
	dec := json.NewDecoder(f)
	if err := dec.Decode(&cf); err != nil {
		return nil, fmt.Errorf("config: %s is not valid JSON: %v (fix or delete it)", path, err)
	}
	if cf.Accounts == nil {
		cf.Accounts = map[string]*Account{}
	}
	return &cf, nil
}

// Save writes f to path atomically with mode 0600, creating the directory with
// mode 0700.
func Save(path string, f *File) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*.json")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("config: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// DefaultName returns the name of the default account.
func (f *File) DefaultName() string {
	if f.DefaultAccount != "" {
		return f.DefaultAccount
	}
	return DefaultAccountName
}

// Account returns the named account; an empty name means the default account.
func (f *File) Account(name string) (*Account, string, bool) {
	if name == "" {
		name = f.DefaultName()
	}
	a, ok := f.Accounts[name]
	return a, name, ok
}

// Names returns the account names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Accounts))
	for n := range f.Accounts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ValidName reports whether name is usable as an account name: 1–64 letters,
// digits, '-', '_' or '.'.
func ValidName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r)) {
			return false
		}
	}
	return true
}

// Mask renders an API key for display: its "sk_test_"/"sk_live_" style prefix
// and last four characters, e.g. "sk_test_…a1b2". Short keys are fully masked.
func Mask(key string) string {
	if key == "" {
		return ""
	}
	prefix := ""
	for _, p := range []string{"sk_test_", "sk_live_", "sk_"} {
		if strings.HasPrefix(key, p) {
			prefix = p
			break
		}
	}
	rest := key[len(prefix):]
	if len(rest) < 12 {
		return prefix + "…"
	}
	return prefix + "…" + rest[len(rest)-4:]
}
