package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteResult(t *testing.T) {
	tests := []struct {
		name, format, in, want string
	}{
		{"raw string", outputRaw, `"hello\nworld"`, "hello\nworld\n"},
		{"raw number is JSON", outputRaw, `42`, "42\n"},
		{"raw object is JSON", outputRaw, `{"a":1}`, "{\"a\":1}\n"},
		{"json", outputJSON, `"x"`, "\"x\"\n"},
		{"table of objects", outputTable, `[{"id":"a","n":1},{"id":"b","extra":null,"n":{"k":2}}]`,
			"ID  N        EXTRA\na   1        \nb   {\"k\":2}  \n"},
		{"table of a list's data", outputTable, `{"object":"list","data":[{"name":"Acme"}],"list_metadata":{}}`, "NAME\nAcme\n"},
		{"table of an object", outputTable, `{"b":"x\ty","a":true}`, "KEY  VALUE\nb    x y\na    true\n"},
		{"table of a scalar is JSON", outputTable, `7`, "7\n"},
		{"table of an empty list is JSON", outputTable, `[]`, "[]\n"},
		{"long cell", outputTable, `[{"v":"` + strings.Repeat("x", 60) + `"}]`, "V\n" + strings.Repeat("x", maxCellRunes-1) + "…\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeResult(&b, json.RawMessage(tt.in), tt.format, false); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunOutputFlag: --output table and raw apply into a pipe; a bad value
// or --output with --json is a usage error.
func TestRunOutputFlag(t *testing.T) {
	te := emulatedEnv(t)
	if code := te.run("run", "--emulate", "--output", "table", "-e", "return workos.organizations_list{limit = 2}"); code != exitOK {
		t.Fatalf("exit %d: %s", code, te.errb.String())
	}
	lines := strings.Split(strings.TrimSpace(te.out.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "NAME") || !strings.Contains(lines[0], "ID") {
		t.Errorf("table:\n%s", te.out.String())
	}
	te = emulatedEnv(t)
	if code := te.run("run", "--emulate", "--output", "raw", "-e", `return "plain text"`); code != exitOK || te.out.String() != "plain text\n" {
		t.Errorf("raw: exit %d, stdout %q", code, te.out.String())
	}
	for _, args := range [][]string{{"--output", "yaml"}, {"--output", "table", "--json"}} {
		te = emulatedEnv(t)
		if code := te.run(append([]string{"run", "--emulate", "-e", "return 1"}, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
