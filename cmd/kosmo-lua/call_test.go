package main

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/bindings/catalog"
)

// captureCall runs `call args...` with a runF that captures the options and the
// merged argument object.
func captureCall(t *testing.T, te *testEnv, args ...string) (*CallOptions, map[string]any, exitCode) {
	t.Helper()
	var got *CallOptions
	var gotArgs map[string]any
	root := newCmdRoot(te.f)
	for _, c := range root.Commands() {
		if c.Name() == "call" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newCmdCall(te.f, func(_ context.Context, o *CallOptions) error {
		got = o
		op, err := lookup(o.catalog(), o.Name)
		if err != nil {
			return err
		}
		gotArgs, err = o.arguments(op)
		return err
	}))
	root.SetArgs(append([]string{"call"}, args...))
	root.SetOut(te.out)
	root.SetErr(te.errb)
	_, err := root.ExecuteC()
	if err != nil {
		return got, gotArgs, reportError(te.errb, "kosmo-lua call", err)
	}
	return got, gotArgs, exitOK
}

func TestCallArguments(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantName  string
		wantArgs  map[string]any
		wantFlags RuntimeFlags
		wantCode  exitCode
		wantErr   string
	}{
		{
			name:     "integer and string by schema",
			args:     []string{"organizations_list", "--limit", "5", "--after", "00123", "--order", "desc"},
			wantName: "organizations_list",
			wantArgs: map[string]any{"limit": int64(5), "after": "00123", "order": "desc"},
		},
		{
			name:     "id stays a string",
			args:     []string{"organization_domains_get", "--id", "00123"},
			wantName: "organization_domains_get",
			wantArgs: map[string]any{"id": "00123"},
		},
		{
			name:     "equals form, own flags mixed in",
			args:     []string{"organizations_list", "--limit=2", "--emulate", "--write", "deny", "--dry-run", "--account=x"},
			wantName: "organizations_list", wantArgs: map[string]any{"limit": int64(2)},
			wantFlags: RuntimeFlags{Emulate: true, Write: "deny", DryRun: true, Account: "x"},
		},
		{
			name:     "payload argument with flag override",
			args:     []string{"organizations_list", `{"limit": 9, "order": "asc"}`, "--limit", "3"},
			wantName: "organizations_list", wantArgs: map[string]any{"limit": int64(3), "order": "asc"},
		},
		{
			name:     "payload on stdin with dash",
			args:     []string{"organizations_list", "-"},
			stdin:    `{"limit": 1}`,
			wantName: "organizations_list", wantArgs: map[string]any{"limit": float64(1)},
		},
		{
			name:     "array by repetition and JSON, kebab keys",
			args:     []string{"organizations_list", "--domains", "a.com", "--domains", "b.com"},
			wantName: "organizations_list", wantArgs: map[string]any{"domains": []any{"a.com", "b.com"}},
		},
		{
			name:     "array as JSON",
			args:     []string{"organizations_list", "--domains", `["a.com","b.com"]`},
			wantName: "organizations_list", wantArgs: map[string]any{"domains": []any{"a.com", "b.com"}},
		},
		{
			name:     "--arg key=value",
			args:     []string{"organizations_list", "--arg", "limit=4"},
			wantName: "organizations_list", wantArgs: map[string]any{"limit": int64(4)},
		},
		{
			name:     "seed name resolves",
			args:     []string{"workos_organizations_list", "--limit", "1"},
			wantName: "workos_organizations_list", wantArgs: map[string]any{"limit": int64(1)},
		},
		{name: "integer rejected", args: []string{"organizations_list", "--limit", "five"}, wantCode: exitUsage, wantErr: "--limit must be an integer"},
		{name: "unknown key", args: []string{"organizations_list", "--colour", "red"}, wantCode: exitUsage, wantErr: `no argument "colour"`},
		{name: "unknown function", args: []string{"organisations_list"}, wantCode: exitUsage, wantErr: "did you mean organizations_list"},
		{name: "no name", args: []string{"--limit", "1"}, wantCode: exitUsage, wantErr: "needs a function NAME"},
		{name: "payload not object", args: []string{"organizations_list", "[1]"}, wantCode: exitUsage, wantErr: "must decode to an object"},
		{name: "bad --arg", args: []string{"organizations_list", "--arg", "limit"}, wantCode: exitUsage, wantErr: "key=value"},
		{name: "missing value", args: []string{"organizations_list", "--limit"}, wantCode: exitUsage, wantErr: "--limit needs a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			te.in.WriteString(tt.stdin)
			got, gotArgs, code := captureCall(t, te, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit = %d, want %d; stderr %q", code, tt.wantCode, te.errb.String())
			}
			if tt.wantCode != exitOK {
				if !strings.Contains(te.errb.String(), tt.wantErr) {
					t.Errorf("stderr %q lacks %q", te.errb.String(), tt.wantErr)
				}
				return
			}
			if got.Name != tt.wantName {
				t.Errorf("Name = %q, want %q", got.Name, tt.wantName)
			}
			if diff := cmp.Diff(tt.wantArgs, gotArgs); diff != "" {
				t.Errorf("arguments mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantFlags, got.Flags); diff != "" {
				t.Errorf("flags mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCoerceBySchemaType(t *testing.T) {
	tests := []struct {
		typ      argType
		raw      string
		hasValue bool
		want     any
		wantErr  bool
	}{
		{argType{Type: "string"}, "00123", true, "00123", false},
		{argType{Type: "string"}, "1e5", true, "1e5", false},
		{argType{Type: "string"}, "true", true, "true", false},
		{argType{Type: "integer"}, "5", true, int64(5), false},
		{argType{Type: "integer"}, "5.5", true, nil, true},
		{argType{Type: "number"}, "5.5", true, 5.5, false},
		{argType{Type: "boolean"}, "", false, true, false},
		{argType{Type: "boolean"}, "false", true, false, false},
		{argType{Type: "boolean|null"}, "null", true, nil, false},
		{argType{Type: "string|null"}, "null", true, nil, false},
		{argType{Type: "string"}, "null", true, "null", false},
		{argType{Type: "string"}, "", false, nil, true},
		{argType{Type: "object"}, `{"a":1}`, true, map[string]any{"a": float64(1)}, false},
		{argType{Type: "object"}, `[1]`, true, nil, true},
		{argType{Type: "array", ItemType: "integer"}, "7", true, []any{int64(7)}, false},
		{argType{Type: "array", ItemType: "string"}, "007", true, []any{"007"}, false},
	}
	for _, tt := range tests {
		got, err := coerce("k", tt.typ, tt.raw, tt.hasValue)
		if (err != nil) != tt.wantErr {
			t.Errorf("coerce(%v, %q) err = %v, wantErr %v", tt.typ, tt.raw, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" && !tt.wantErr {
			t.Errorf("coerce(%v, %q) mismatch (-want +got):\n%s", tt.typ, tt.raw, diff)
		}
	}
}

func TestCallCompletion(t *testing.T) {
	cat := catalog.Default()
	got, _ := completeCallArgs(cat, nil, "organizations_l")
	if diff := cmp.Diff([]string{"organizations_list"}, got); diff != "" {
		t.Errorf("name completion (-want +got):\n%s", diff)
	}
	got, _ = completeCallArgs(cat, []string{"organizations_list"}, "--li")
	if diff := cmp.Diff([]string{"--limit\tinteger"}, got); diff != "" {
		t.Errorf("key completion (-want +got):\n%s", diff)
	}
}

// TestShellCompletion exercises cobra's hidden __complete entry point that the
// generated shell scripts call.
func TestShellCompletion(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "call", "organizations_l"}, "organizations_list"},
		{[]string{"__complete", "call", "organizations_list", "--li"}, "--limit\tinteger"},
		{[]string{"__complete", "describe", "organization_domains_g"}, "organization_domains_get"},
		{[]string{"__complete", "run", "--wr"}, "--write"},
	}
	for _, tt := range tests {
		te := newTestEnv(t)
		if code := te.run(tt.args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", tt.args, code, te.errb.String())
		}
		if !strings.Contains(te.out.String(), tt.want) {
			t.Errorf("%v: completions %q lack %q", tt.args, te.out.String(), tt.want)
		}
	}
}
