package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

func TestEmbedExample(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	var res struct {
		OK     bool
		Result []struct{ Org, Domain string }
		Logs   []string
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("output is not one JSON envelope: %v\n%s", err, out.String())
	}
	if !res.OK || len(res.Result) != 2 || len(res.Logs) != 1 {
		t.Fatalf("envelope = %s", out.String())
	}
}
