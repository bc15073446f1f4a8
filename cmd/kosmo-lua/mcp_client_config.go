package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/runtime/mcptools"
)

// mcpClientNames are the clients `mcp config` and `mcp install` know.
func mcpClientNames() []string { return []string{"claude", "cursor", "vscode", "codex"} }

// check validates mcp config's and mcp install's flags.
func (o *MCPConfigOptions) check() error {
	switch o.Client {
	case "claude", "cursor", "vscode", "codex":
	case "":
		return flagErrorf("--client is required: %s", clientList())
	default:
		return flagErrorf("--client must be %s, not %q", clientList(), o.Client)
	}
	if _, err := mcptools.ParseMode(o.Tools); err != nil {
		return flagErrorf("--tools must be code, functions or all, not %q", o.Tools)
	}
	if err := o.Flags.validate(); err != nil {
		return err
	}
	if o.Flags.APIKey != "" {
		return flagErrorf("mcp config does not write API keys into client configuration; use WORKOS_API_KEY, --account or 'kosmo-lua auth set'")
	}
	return nil
}

// BuildCacheError says the running binary lives in the Go build cache (a
// `go run` build): a client configured with that path breaks when the cache
// is trimmed.
type BuildCacheError struct{ Path string }

func (e *BuildCacheError) Error() string {
	return fmt.Sprintf("%s is a temporary `go run` build in the Go build cache and will disappear; install kosmo-lua first (go install github.com/kosmo-lua/kosmo-lua/cmd/kosmo-lua@latest, or go build -o ~/bin/kosmo-lua ./cmd/kosmo-lua) and run mcp config or mcp install from the installed binary", e.Path)
}

// checkNotBuildCache refuses a path inside the Go build cache: $GOCACHE (or
// the default go-build cache directory) or a go-build temporary directory.
func checkNotBuildCache(exe string, getenv func(string) string) error {
	clean := filepath.Clean(exe)
	for _, part := range strings.Split(filepath.ToSlash(clean), "/") {
		if strings.HasPrefix(part, "go-build") {
			return &BuildCacheError{Path: exe}
		}
	}
	if cache := getenv("GOCACHE"); cache != "" && cache != "off" {
		if rel, err := filepath.Rel(filepath.Clean(cache), clean); err == nil && !strings.HasPrefix(rel, "..") {
			return &BuildCacheError{Path: exe}
		}
	}
	return nil
}

// needsKey says the configured server takes its key from the client's
// environment (neither --emulate nor --account).
func (o *MCPConfigOptions) needsKey() bool { return !o.Flags.Emulate && o.Flags.Account == "" }

// codexTOML is the [mcp_servers.NAME] table Codex reads for the server at
// exe: the key is forwarded from Codex's environment by name (env_vars),
// never written.
func (o *MCPConfigOptions) codexTOML(exe string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[mcp_servers.%s]\n", tomlKey(o.Name))
	fmt.Fprintf(&b, "command = %s\n", tomlString(exe))
	quoted := make([]string, 0, len(o.serverArgs()))
	for _, a := range o.serverArgs() {
		quoted = append(quoted, tomlString(a))
	}
	fmt.Fprintf(&b, "args = [%s]\n", strings.Join(quoted, ", "))
	if o.needsKey() {
		b.WriteString("env_vars = [\"WORKOS_API_KEY\"]\n")
	}
	return b.String()
}

// tomlKey is name as a TOML key: bare when it can be, else quoted.
func tomlKey(name string) string {
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return tomlString(name)
		}
	}
	if name == "" {
		return `""`
	}
	return name
}

// tomlString is s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// addFlags registers the flags mcp config and mcp install share.
func (o *MCPConfigOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.Client, "client", "", "Client to configure: "+clientList())
	cmd.Flags().StringVar(&o.Name, "name", "kosmo", "Server name in the client's configuration")
	mcpFlags(cmd, &o.Flags, &o.Tools, &o.MaxResultBytes, &o.MaxResultChars)
	// Refused by check with its reason, so hidden from the help it would clutter.
	_ = cmd.Flags().MarkHidden("api-key")
}

// executable is the installed binary's path, symlinks resolved, refused
// when it is a `go run` build.
func (o *MCPConfigOptions) executable() (string, error) {
	exe, err := o.Executable()
	if err != nil {
		return "", fmt.Errorf("mcp config: cannot find the kosmo-lua binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if err := checkNotBuildCache(exe, getenv); err != nil {
		return "", err
	}
	return exe, nil
}

// clientList is "claude, cursor, vscode or codex".
func clientList() string {
	n := mcpClientNames()
	return strings.Join(n[:len(n)-1], ", ") + " or " + n[len(n)-1]
}
