package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// Set by a release build: -ldflags "-X main.commit=... -X main.buildDate=...".
// Without them, `go install` and `go build` builds report what the Go
// toolchain stamped into the binary (the VCS revision and time).
var (
	commit    = ""
	buildDate = ""
)

// VersionInfo is what `kosmo-lua version` prints.
type VersionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	BuildDate string `json:"build_date,omitempty"`
	// Modified says the commit's tree had uncommitted changes.
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go_version"`
	// SpecVersion and SpecSHA256 identify the WorkOS OpenAPI specification
	// the function catalog was generated from.
	SpecVersion string `json:"spec_version"`
	SpecSHA256  string `json:"spec_sha256"`
}

// versionInfo describes this binary: the version f was built with (or the
// module version of a `go install ...@v1.2.3` build), the commit and date
// from the link flags or the build info, and the catalog's specification.
func versionInfo(version string, bi *debug.BuildInfo) VersionInfo {
	v := VersionInfo{Version: version, Commit: commit, BuildDate: buildDate, SpecVersion: catalog.SpecVersion, SpecSHA256: catalog.SpecSHA256}
	if bi == nil {
		return v
	}
	v.GoVersion = bi.GoVersion
	if mv := bi.Main.Version; version == api.Version && mv != "" && mv != "(devel)" {
		v.Version = strings.TrimPrefix(mv, "v")
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if v.Commit == "" {
				v.Commit = s.Value
			}
		case "vcs.time":
			if v.BuildDate == "" {
				v.BuildDate = s.Value
			}
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// newCmdVersion prints the version and what the binary was built from.
func newCmdVersion(f *Factory) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date, Go version and WorkOS spec",
		Long: `Print the version, the commit and build date, the Go version, and the version and
SHA-256 of the WorkOS OpenAPI specification the function catalog was generated
from. JSON when stdout is not a terminal or with --json.`,
		Args:    noArgs,
		Example: "  kosmo-lua version\n  kosmo-lua version --json",
		RunE: func(cmd *cobra.Command, args []string) error {
			bi, _ := debug.ReadBuildInfo()
			v := versionInfo(f.Version, bi)
			if asJSON || !f.IOStreams.IsStdoutTTY() {
				return writeJSON(f.IOStreams.Out, v, false)
			}
			w := f.IOStreams.Out
			fmt.Fprintf(w, "kosmo-lua %s\n", v.Version)
			if v.Commit != "" {
				mod := ""
				if v.Modified {
					mod = " (modified)"
				}
				fmt.Fprintf(w, "  commit       %s%s\n", v.Commit, mod)
			}
			if v.BuildDate != "" {
				fmt.Fprintf(w, "  built        %s\n", v.BuildDate)
			}
			fmt.Fprintf(w, "  go           %s\n", v.GoVersion)
			fmt.Fprintf(w, "  workos spec  %s (sha256 %s)\n", v.SpecVersion, v.SpecSHA256)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "Print JSON (the default when stdout is not a terminal)")
	return cmd
}
