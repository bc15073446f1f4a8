package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// exitCodeRow is one row of the exit-code table. The table is the single
// source of `kosmo-lua help exit-codes`; TestExitCodeTableMatchesREADME
// checks the README's table against it.
type exitCodeRow struct {
	Code exitCode
	// Meaning is Markdown (inline code in backticks), as in the README.
	Meaning string
}

// exitCodeTable is every exit status kosmo-lua uses and what it means.
func exitCodeTable() []exitCodeRow {
	return []exitCodeRow{
		{exitOK, "success"},
		{exitError, "script error or API error"},
		{exitUsage, "usage error (bad flag, unknown command or function name in `describe`/`call` arguments; a `call` argument the function refuses, such as `--limit 1000`, nothing sent)"},
		{exitLimit, "limit exceeded (timeout, memory, calls, output)"},
		{exitAuth, "no credentials, or authentication failed (401)"},
		{exitDenied, "denied by the write policy (or not approved under `ask`), or a plan refused or departed from in `apply`"},
		{exitCanceled, "interrupted (Ctrl-C or SIGTERM); in the REPL, Ctrl-C cancels only the running input"},
	}
}

// envVar is one environment variable or file kosmo-lua reads.
type envVar struct {
	Name, Meaning string
}

// envGroup is a titled group of environment variables and files.
type envGroup struct {
	Title string
	Vars  []envVar
}

// environmentTopics are the groups of `kosmo-lua help environment`, in
// the order of precedence where one applies.
func environmentTopics() []envGroup {
	return []envGroup{
		{"Credentials (first match wins)", []envVar{
			{"--api-key KEY", "the key itself (visible to other processes; prefer the others)"},
			{"--account NAME", "a saved account of the accounts file"},
			{"WORKOS_API_KEY", "the WorkOS secret key (sk_...)"},
			{"accounts file", "its default account (saved with 'kosmo-lua auth set')"},
			{"--emulate", "none of the above is read: the built-in emulator's key"},
		}},
		{"Base URL (first match wins)", []envVar{
			{"--base-url URL", ""},
			{"WORKOS_BASE_URL", ""},
			{"accounts file", "the account's base_url"},
			{"default", "https://api.workos.com"},
		}},
		{"Files", []envVar{
			{"accounts file", "$XDG_CONFIG_HOME/kosmo-lua/config.json, else ~/.config/kosmo-lua/config.json (the OS config directory on macOS and Windows); mode 0600, refused when group or others can read it"},
			{"REPL history", "$XDG_STATE_HOME/kosmo-lua/repl_history, else ~/.local/state/kosmo-lua/repl_history, else next to the accounts file; mode 0600"},
			{"KOSMO_LUA_PLAN_KEY_FILE", "the key that signs and verifies plans (run --plan, apply, MCP apply_plan); share one file between replicas"},
			{"plan key", "otherwise $XDG_STATE_HOME/kosmo-lua/plan.key (the same state directory as the REPL history), created on first use; mode 0600"},
			{"journal", "journal.db in that state directory: the record of runs that wrote (kosmo-lua journal); opened on the first write"},
			{"GOGC", "kosmo-lua mcp collects at 400 unless GOGC is set; script workers always at 400"},
		}},
		{"Logs", []envVar{
			{"KOSMO_LUA_LOG", "debug, info, warn or error: logs on stderr at that level (debug: every HTTP request, as -v/--verbose)"},
		}},
		{"Traces (OpenTelemetry; nothing is exported unless an endpoint is set)", []envVar{
			{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "the OTLP/HTTP traces URL, used as is"},
			{"OTEL_EXPORTER_OTLP_ENDPOINT", "the collector's base URL; traces go to /v1/traces"},
			{"OTEL_EXPORTER_OTLP_HEADERS", "key=value,... sent with every export (the TRACES_ form wins)"},
			{"OTEL_EXPORTER_OTLP_TIMEOUT", "milliseconds per export (default 10000)"},
			{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf only; another value turns tracing off with a warning"},
			{"OTEL_SERVICE_NAME", "service.name (default kosmo-lua)"},
			{"OTEL_RESOURCE_ATTRIBUTES", "key=value,... resource attributes"},
			{"OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG, OTEL_BSP_*", "read by the OpenTelemetry SDK"},
			{"OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none", "no traces"},
		}},
		{"Workers", []envVar{
			{"TZ", "the only variable script worker processes get (they never see the key or the rest of the environment)"},
		}},
	}
}

// newHelpTopics returns the `help environment` and `help exit-codes` topics.
func newHelpTopics() []*cobra.Command {
	env := &cobra.Command{
		Use:     "environment",
		Short:   "Environment variables and files kosmo-lua reads, with precedence",
		Example: "  kosmo-lua help environment",
	}
	env.SetHelpFunc(func(c *cobra.Command, _ []string) { writeEnvironmentHelp(c.OutOrStdout()) })
	codes := &cobra.Command{
		Use:     "exit-codes",
		Short:   "What each exit status means",
		Example: "  kosmo-lua help exit-codes",
	}
	codes.SetHelpFunc(func(c *cobra.Command, _ []string) { writeExitCodesHelp(c.OutOrStdout()) })
	return []*cobra.Command{env, codes}
}

// writeEnvironmentHelp prints the environment topic.
func writeEnvironmentHelp(w io.Writer) {
	fmt.Fprintln(w, "Environment variables and files kosmo-lua reads.")
	for _, g := range environmentTopics() {
		fmt.Fprintf(w, "\n%s:\n", g.Title)
		for _, v := range g.Vars {
			if v.Meaning == "" {
				fmt.Fprintf(w, "  %s\n", v.Name)
				continue
			}
			fmt.Fprintf(w, "  %-28s %s\n", v.Name, v.Meaning)
		}
	}
}

// writeExitCodesHelp prints the exit-code table as text.
func writeExitCodesHelp(w io.Writer) {
	fmt.Fprintln(w, "Exit codes of kosmo-lua:")
	fmt.Fprintln(w)
	for _, r := range exitCodeTable() {
		fmt.Fprintf(w, "  %-4d %s\n", r.Code, strings.ReplaceAll(r.Meaning, "`", "'"))
	}
	fmt.Fprintln(w, "\n'kosmo-lua doctor' exits with the code of its worst finding: 0, 1 or 4.")
}
