package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	goruntime "runtime"

	"github.com/spf13/cobra"
)

// MCPInstallOptions are the inputs of `kosmo-lua mcp install`.
type MCPInstallOptions struct {
	MCPConfigOptions
	// Scope is --scope: project (the current directory) or user (the home
	// directory). Empty: project, except codex (user).
	Scope string
	// Getwd returns the project directory (os.Getwd).
	Getwd func() (string, error)
	// GOOS picks the VS Code user directory (runtime.GOOS).
	GOOS string
}

// configTarget is the file a client reads its MCP servers from.
type configTarget struct {
	Path string
	// Format is "json" (ServersKey names the servers object) or "toml".
	Format     string
	ServersKey string
	// Private files (in the home directory, often holding other secrets)
	// are created with mode 0600, project files 0644.
	Private bool
}

// target returns the client's configuration file for the scope.
func (o *MCPInstallOptions) target() (configTarget, error) {
	scope := o.Scope
	if scope == "" {
		scope = "project"
		if o.Client == "codex" {
			scope = "user"
		}
	}
	var base string
	switch scope {
	case "project":
		wd, err := o.Getwd()
		if err != nil {
			return configTarget{}, fmt.Errorf("mcp install: no current directory: %w", err)
		}
		base = wd
	case "user":
		home := o.Getenv("HOME")
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return configTarget{}, fmt.Errorf("mcp install: no home directory: %w (set HOME)", err)
			}
			home = h
		}
		base = home
	default:
		return configTarget{}, flagErrorf("--scope must be project or user, not %q", scope)
	}
	user := scope == "user"
	switch o.Client {
	case "claude":
		if user {
			return configTarget{Path: filepath.Join(base, ".claude.json"), Format: "json", ServersKey: "mcpServers", Private: true}, nil
		}
		return configTarget{Path: filepath.Join(base, ".mcp.json"), Format: "json", ServersKey: "mcpServers"}, nil
	case "cursor":
		return configTarget{Path: filepath.Join(base, ".cursor", "mcp.json"), Format: "json", ServersKey: "mcpServers", Private: user}, nil
	case "vscode":
		if user {
			return configTarget{Path: filepath.Join(o.vscodeUserDir(base), "mcp.json"), Format: "json", ServersKey: "servers", Private: true}, nil
		}
		return configTarget{Path: filepath.Join(base, ".vscode", "mcp.json"), Format: "json", ServersKey: "servers"}, nil
	default: // codex
		if user {
			if ch := o.Getenv("CODEX_HOME"); ch != "" {
				return configTarget{Path: filepath.Join(ch, "config.toml"), Format: "toml", Private: true}, nil
			}
			return configTarget{Path: filepath.Join(base, ".codex", "config.toml"), Format: "toml", Private: true}, nil
		}
		return configTarget{Path: filepath.Join(base, ".codex", "config.toml"), Format: "toml"}, nil
	}
}

// vscodeUserDir is VS Code's user settings directory under home.
func (o *MCPInstallOptions) vscodeUserDir(home string) string {
	switch o.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "Code", "User")
	case "windows":
		if ad := o.Getenv("APPDATA"); ad != "" {
			return filepath.Join(ad, "Code", "User")
		}
		return filepath.Join(home, "AppData", "Roaming", "Code", "User")
	}
	if x := o.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "Code", "User")
	}
	return filepath.Join(home, ".config", "Code", "User")
}

func newCmdMCPInstall(f *Factory) *cobra.Command {
	opts := &MCPInstallOptions{MCPConfigOptions: MCPConfigOptions{IO: f.IOStreams, Executable: os.Executable, Getenv: f.Getenv},
		Getwd: os.Getwd, GOOS: goruntime.GOOS}
	cmd := &cobra.Command{
		Use:   "install --client claude|cursor|vscode|codex [--scope project|user]",
		Short: "Add kosmo-lua to an MCP client's configuration file",
		Long: `Write or merge the kosmo-lua server into an MCP client's configuration, keeping
every other server, backing the old file up (FILE.bak) and printing the diff.

  client   --scope project (default)      --scope user
  claude   .mcp.json                       ~/.claude.json
  cursor   .cursor/mcp.json                ~/.cursor/mcp.json
  vscode   .vscode/mcp.json ("servers")    VS Code's user mcp.json
  codex    .codex/config.toml              ~/.codex/config.toml (default; $CODEX_HOME)

The server runs the installed binary with the given flags, write deny unless
--write allow. Without --emulate or --account, the key comes from the client's
environment (WORKOS_API_KEY) and is never written. A 'go run' binary is refused:
'go install' kosmo-lua first.`,
		Example: `  kosmo-lua mcp install --client claude
  kosmo-lua mcp install --client cursor --scope user --account prod
  kosmo-lua mcp install --client codex --write allow`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			return mcpInstallRun(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Scope, "scope", "", "Where: project (the current directory; default) or user (the home directory; Codex's default)")
	return cmd
}

// mcpInstallRun merges the server into the client's file.
func mcpInstallRun(opts *MCPInstallOptions) error {
	t, err := opts.target()
	if err != nil {
		return err
	}
	exe, err := opts.executable()
	if err != nil {
		return err
	}
	old, err := os.ReadFile(t.Path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("mcp install: %w", err)
	}
	var updated []byte
	if t.Format == "toml" {
		updated, err = mergeTOMLServer(old, opts.Name, opts.codexTOML(exe))
	} else {
		server, inputs, serr := opts.serverEntry()
		if serr != nil {
			return serr
		}
		updated, err = mergeJSONServer(old, t.ServersKey, opts.Name, server, inputs)
	}
	if err != nil {
		return fmt.Errorf("mcp install: %s: %w; fix the file or move it away, then run mcp install again", t.Path, err)
	}
	if exists && string(old) == string(updated) {
		fmt.Fprintf(opts.IO.ErrOut, "%s already has this %q server; nothing changed.\n", t.Path, opts.Name)
		return nil
	}
	if err := writeConfigFile(t, old, exists, updated); err != nil {
		return err
	}
	fmt.Fprint(opts.IO.Out, lineDiff(t.Path, old, updated))
	if exists {
		fmt.Fprintf(opts.IO.ErrOut, "Updated %s (the old file is %s.bak). Restart %s to load the %q server.\n", t.Path, t.Path, opts.Client, opts.Name)
	} else {
		fmt.Fprintf(opts.IO.ErrOut, "Wrote %s. Restart %s to load the %q server.\n", t.Path, opts.Client, opts.Name)
	}
	return nil
}

// serverEntry is the JSON clients' server object and VS Code's inputs.
func (o *MCPConfigOptions) serverEntry() (server map[string]any, inputs []any, err error) {
	doc, err := o.config()
	if err != nil {
		return nil, nil, err
	}
	key := "mcpServers"
	if o.Client == "vscode" {
		key = "servers"
	}
	servers, _ := doc[key].(map[string]any)
	server, _ = servers[o.Name].(map[string]any)
	inputs, _ = doc["inputs"].([]any)
	return server, inputs, nil
}

// writeConfigFile backs the old file up (FILE.bak, same mode) and writes
// updated through a temporary file renamed into place, keeping the old
// file's mode (new files: 0600 when private, else 0644).
func writeConfigFile(t configTarget, old []byte, exists bool, updated []byte) error {
	mode := fs.FileMode(0o644)
	if t.Private {
		mode = 0o600
	}
	if exists {
		if fi, err := os.Stat(t.Path); err == nil {
			mode = fi.Mode().Perm()
		}
		if err := os.WriteFile(t.Path+".bak", old, mode); err != nil {
			return fmt.Errorf("mcp install: backing up %s: %w", t.Path, err)
		}
	}
	dir := filepath.Dir(t.Path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mcp install: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(t.Path)+".tmp*")
	if err != nil {
		return fmt.Errorf("mcp install: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(updated); err != nil {
		tmp.Close()
		return fmt.Errorf("mcp install: writing %s: %w", t.Path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("mcp install: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mcp install: %w", err)
	}
	if err := os.Rename(tmp.Name(), t.Path); err != nil {
		return fmt.Errorf("mcp install: %w", err)
	}
	return nil
}
