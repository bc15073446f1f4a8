package main

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"67108864", 64 << 20, false},
		{"64MiB", 64 << 20, false},
		{"64mib", 64 << 20, false},
		{"64M", 64 << 20, false},
		{"64MB", 64_000_000, false},
		{"1GiB", 1 << 30, false},
		{"512KiB", 512 << 10, false},
		{"1.5MiB", 3 << 19, false},
		{"", 0, true},
		{"-5", 0, true},
		{"64XB", 0, true},
		{"MiB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseByteSize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDurationFlag(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"30s", 30 * time.Second, false},
		{"2m", 2 * time.Minute, false},
		{"1.5", 1500 * time.Millisecond, false},
		{"10", 10 * time.Second, false},
		{"0", 0, true},
		{"-1s", 0, true},
		{"soon", 0, true},
	}
	for _, tt := range tests {
		var d Duration
		err := d.Set(tt.in)
		if (err != nil) != tt.wantErr || time.Duration(d) != tt.want {
			t.Errorf("Duration.Set(%q) = %v, %v; want %v, err=%v", tt.in, time.Duration(d), err, tt.want, tt.wantErr)
		}
	}
}

func TestRunFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     RunOptions
		wantCode exitCode
	}{
		{
			name: "file and everything",
			args: []string{"script.lua", "--args", `{"a":1}`, "--emulate", "--write", "deny", "--allow", "organizations_*",
				"--allow", "users_list", "--deny", "*_delete", "--dry-run", "--timeout", "5s", "--memory", "32MiB", "--max-calls", "7", "--json"},
			want: RunOptions{File: "script.lua", ArgsJSON: `{"a":1}`, JSON: true, Flags: RuntimeFlags{
				Emulate: true, Write: "deny", Allow: []string{"organizations_*", "users_list"}, Deny: []string{"*_delete"},
				DryRun: true, Timeout: Duration(5 * time.Second), Memory: 32 << 20, MaxCalls: 7}},
		},
		{
			name: "eval",
			args: []string{"-e", "return 1", "--account", "prod", "--base-url", "http://x"},
			want: RunOptions{Code: "return 1", CodeSet: true, Flags: RuntimeFlags{Account: "prod", BaseURL: "http://x"}},
		},
		{
			name: "stdin dash",
			args: []string{"-", "--api-key", fakeKey},
			want: RunOptions{File: "-", Flags: RuntimeFlags{APIKey: fakeKey}},
		},
		{name: "two files", args: []string{"a.lua", "b.lua"}, wantCode: exitUsage},
		{name: "bad memory", args: []string{"-e", "x", "--memory", "lots"}, wantCode: exitUsage},
		{name: "bad timeout", args: []string{"-e", "x", "--timeout", "-3s"}, wantCode: exitUsage},
		{name: "unknown flag", args: []string{"-e", "x", "--frobnicate"}, wantCode: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTestEnv(t)
			var got *RunOptions
			root := newCmdRoot(te.f)
			// Swap the run command for one whose runF captures the options.
			for _, c := range root.Commands() {
				if c.Name() == "run" {
					root.RemoveCommand(c)
				}
			}
			root.AddCommand(newCmdRun(te.f, func(_ context.Context, o *RunOptions) error { got = o; return nil }))
			root.SetArgs(append([]string{"run"}, tt.args...))
			root.SetOut(te.out)
			root.SetErr(te.errb)
			_, err := root.ExecuteC()
			code := exitOK
			if err != nil {
				code = reportError(te.errb, "kosmo-lua run", err)
			}
			if code != tt.wantCode {
				t.Fatalf("exit = %d, want %d (stderr %q)", code, tt.wantCode, te.errb.String())
			}
			if tt.wantCode != exitOK {
				return
			}
			opts := cmp.Options{cmp.FilterPath(func(p cmp.Path) bool {
				switch p.String() {
				case "IO", "Runtime", "ReadFile", "Progress":
					return true
				}
				return false
			}, cmp.Ignore())}
			if diff := cmp.Diff(tt.want, *got, opts); diff != "" {
				t.Errorf("RunOptions mismatch (-want +got):\n%s", diff)
			}
			assertNoKey(t, te.out.String(), te.errb.String())
		})
	}
}
