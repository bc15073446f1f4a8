package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kosmo-lua/kosmo-lua/runtime/mcptools"
)

func TestMCPResultFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    mcptools.Options
		wantErr string
	}{
		{args: nil, want: mcptools.Options{ResultFormat: mcptools.FormatText, ResultLinks: mcptools.LinksAuto}},
		{args: []string{"--result-format", "both", "--result-links", "always", "--result-ttl", "1m", "--result-store", "1MiB"},
			want: mcptools.Options{ResultFormat: mcptools.FormatBoth, ResultLinks: mcptools.LinksAlways, ResultTTL: time.Minute, ResultStoreBytes: 1 << 20}},
		{args: []string{"--result-format", "json"}, wantErr: "--result-format must be text, structured or both"},
		{args: []string{"--result-links", "sometimes"}, wantErr: "--result-links must be auto, always or never"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := parseMCPFlags(t, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var so mcptools.Options
			got.Results.apply(&so)
			if diff := cmp.Diff(tt.want, so); diff != "" {
				t.Errorf("server options (-want +got):\n%s", diff)
			}
		})
	}
}
