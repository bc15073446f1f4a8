package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// TestVersionInfo: a go install build reports its module version and the
// toolchain's VCS stamp; a version set by the link flags wins.
func TestVersionInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-11-30T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	spec := func(v VersionInfo) VersionInfo {
		v.SpecVersion, v.SpecSHA256 = catalog.SpecVersion, catalog.SpecSHA256
		return v
	}
	tests := []struct {
		name    string
		version string
		bi      *debug.BuildInfo
		want    VersionInfo
	}{
		{"go install", api.Version, bi, spec(VersionInfo{Version: "1.4.0", Commit: "0123abcd", BuildDate: "2026-11-30T10:00:00Z", Modified: true, GoVersion: "go1.26.8"})},
		{"release ldflags", "2.0.0", bi, spec(VersionInfo{Version: "2.0.0", Commit: "0123abcd", BuildDate: "2026-11-30T10:00:00Z", Modified: true, GoVersion: "go1.26.8"})},
		{"devel build", api.Version, &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, spec(VersionInfo{Version: api.Version, GoVersion: "go1.26.8"})},
		{"no build info", "x", nil, spec(VersionInfo{Version: "x"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, versionInfo(tt.version, tt.bi)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if len(catalog.SpecSHA256) != 64 || catalog.SpecVersion == "" {
		t.Errorf("catalog spec identity missing: %q %q", catalog.SpecVersion, catalog.SpecSHA256)
	}
}

// TestVersionCommand: JSON off a terminal or with --json, text on one.
func TestVersionCommand(t *testing.T) {
	te := newTestEnv(t)
	if code := te.run("version", "--json"); code != exitOK {
		t.Fatal(code)
	}
	for _, want := range []string{`"go_version":"go1.`, `"spec_version":"` + catalog.SpecVersion + `"`, catalog.SpecSHA256} {
		if !strings.Contains(te.out.String(), want) {
			t.Errorf("version --json lacks %q: %s", want, te.out.String())
		}
	}
	te = newTestEnv(t)
	te.f.IOStreams.SetStdoutTTY(true)
	te.run("version")
	for _, want := range []string{"kosmo-lua v0.0.0-test\n", "  go           go1.", "  workos spec  " + catalog.SpecVersion + " (sha256 " + catalog.SpecSHA256 + ")"} {
		if !strings.Contains(te.out.String(), want) {
			t.Errorf("version lacks %q:\n%s", want, te.out.String())
		}
	}
}
