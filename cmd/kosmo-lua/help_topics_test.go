package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExitCodeTableMatchesREADME: the README's exit-code table is the one
// `help exit-codes` prints from.
func TestExitCodeTableMatchesREADME(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skipf("no README: %v", err)
	}
	_, table, ok := strings.Cut(string(b), "| code | meaning |\n|---|---|\n")
	if !ok {
		t.Fatal("README has no exit-code table")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	var got []exitCodeRow
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		n, err := strconv.Atoi(cells[0])
		if err != nil || len(cells) != 2 {
			t.Fatalf("README row %q", line)
		}
		got = append(got, exitCodeRow{exitCode(n), cells[1]})
	}
	if diff := cmp.Diff(exitCodeTable(), got); diff != "" {
		t.Errorf("README exit codes differ from exitCodeTable (-code +README):\n%s", diff)
	}
}

// TestHelpTopics: help exit-codes lists every code; help environment every
// variable kosmo-lua reads.
func TestHelpTopics(t *testing.T) {
	te := newTestEnv(t)
	if code := te.run("help", "exit-codes"); code != exitOK {
		t.Fatal(code)
	}
	for _, r := range exitCodeTable() {
		if !strings.Contains(te.out.String(), "  "+strconv.Itoa(int(r.Code))+" ") {
			t.Errorf("help exit-codes lacks %d:\n%s", r.Code, te.out.String())
		}
	}
	te = newTestEnv(t)
	if code := te.run("help", "environment"); code != exitOK {
		t.Fatal(code)
	}
	for _, v := range []string{"WORKOS_API_KEY", "WORKOS_BASE_URL", "XDG_CONFIG_HOME", "XDG_STATE_HOME", logEnv,
		"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TIMEOUT",
		"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER",
		"--api-key", "--account", "--base-url", "config.json", "repl_history"} {
		if !strings.Contains(te.out.String(), v) {
			t.Errorf("help environment lacks %s", v)
		}
	}
}
