package mcptools

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kosmo-lua/kosmo-lua/runtime"
)

// TestResultFormats: text carries the envelope in content only, structured
// in structuredContent with one line of text, both in both.
func TestResultFormats(t *testing.T) {
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteDeny})
	code := `print("hi") return {n = #workos.organizations_list{limit = 2}.data}`
	for _, f := range []ResultFormat{FormatText, FormatStructured, FormatBoth} {
		t.Run(string(f), func(t *testing.T) {
			cs := connect(t, rt, &Options{ResultFormat: f}, nil)
			text, res := callText(t, cs, ToolExecuteLua, map[string]any{"code": code})
			hasStructured := res.StructuredContent != nil
			fullText := strings.Contains(text, `result: {"n":2}`) && strings.Contains(text, "hi")
			if want := f != FormatText; hasStructured != want {
				t.Errorf("structuredContent present: %v, want %v", hasStructured, want)
			}
			if want := f != FormatStructured; fullText != want {
				t.Errorf("text has the whole envelope: %v, want %v:\n%s", fullText, want, text)
			}
			if !strings.HasPrefix(text, "outcome: completed") || res.IsError {
				t.Errorf("text: %s", text)
			}
		})
	}
}

// TestResultFormatSizes measures execute_lua's tool result, as JSON on the
// wire, in each format for every script in examples/ (run with -v for the
// table the README quotes). The default of `kosmo-lua mcp`, text, must be
// the smallest.
func TestResultFormatSizes(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.lua")
	if len(files) == 0 {
		t.Skip("no examples")
	}
	rt := emulated(t, runtime.Options{WritePolicy: runtime.WriteAllow})
	formats := []ResultFormat{FormatStructured, FormatText, FormatBoth}
	// Each example runs once; its envelope is then rendered in every format,
	// so the sizes compare the same data.
	size := func(f ResultFormat, env *runtime.Result) int {
		out, structured := envelopeResult(f, env, nil)
		out.StructuredContent = structured
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "| example | outcome | structured | text | both |\n|---|---|---:|---:|---:|\n")
	total := map[ResultFormat]int{}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := rt.Run(context.Background(), runtime.Script{Name: filepath.Base(file), Source: string(src)})
		if err != nil {
			t.Fatal(err)
		}
		sizes := map[ResultFormat]int{}
		for _, f := range formats {
			sizes[f] = size(f, res)
			total[f] += sizes[f]
		}
		fmt.Fprintf(&table, "| %s | %s | %d | %d | %d |\n", filepath.Base(file), res.Outcome, sizes[FormatStructured], sizes[FormatText], sizes[FormatBoth])
		if sizes[FormatText] >= sizes[FormatBoth] {
			t.Errorf("%s: text (%d bytes) is not smaller than both (%d)", file, sizes[FormatText], sizes[FormatBoth])
		}
	}
	fmt.Fprintf(&table, "| total | | %d | %d | %d |\n", total[FormatStructured], total[FormatText], total[FormatBoth])
	t.Logf("execute_lua tool result, bytes of JSON:\n%s", table.String())
	if total[FormatText] > total[FormatStructured] {
		t.Errorf("text (%d bytes in all) is larger than structured (%d)", total[FormatText], total[FormatStructured])
	}
}
