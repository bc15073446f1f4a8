package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var updateCorpus = flag.Bool("update", false, "rewrite the golden files of the KosmoKrator corpus")

// corpusDir holds scripts written from KosmoKrator's documented behaviour,
// one idiom each. Each NAME.lua has a NAME.golden with its expected outcome;
// a first line "-- flags: ..." adds command-line flags to `kosmo-lua run`.
const corpusDir = "testdata/kosmokrator"

// TestKosmoKratorCorpus runs every script of the corpus end to end through
// the CLI against the built-in emulator and compares its envelope (outcome,
// result, logs, error, calls) with the golden file. Adding a script and its
// golden file (go test -run TestKosmoKratorCorpus -update) is enough.
func TestKosmoKratorCorpus(t *testing.T) {
	scripts, err := filepath.Glob(filepath.Join(corpusDir, "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) < 12 {
		t.Fatalf("the corpus has %d scripts, want at least 12", len(scripts))
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".lua")
		t.Run(name, func(t *testing.T) {
			te := emulatedEnv(t)
			args := append([]string{"run", "--emulate", "--json"}, corpusFlags(t, path)...)
			te.run(append(args, path)...)
			got := corpusView(t, te.out.Bytes(), te.errb.String())
			golden := filepath.Join(corpusDir, name+".golden")
			if *updateCorpus {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// corpusFlags reads the script's "-- flags: ..." first line.
func corpusFlags(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "-- flags:"); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}

// corpusEnvelope is the part of the run envelope a corpus script is judged by.
type corpusEnvelope struct {
	OK      bool            `json:"ok"`
	Outcome string          `json:"outcome"`
	Result  json.RawMessage `json:"result"`
	Logs    []string        `json:"logs"`
	Error   *struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error"`
	Calls []struct {
		Function string `json:"function"`
		Status   int    `json:"status"`
	} `json:"calls"`
}

var (
	corpusTimeRE      = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)
	corpusRequestIDRE = regexp.MustCompile(`req_[0-9A-Za-z]+`)
	corpusUUIDRE      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	// The emulator's ids: a prefix, 10 characters of creation time, 16 of a
	// counter. Ids of objects created during the run (time near now) lose
	// their time part; the seeded ones keep theirs.
	corpusIDRE = regexp.MustCompile(`([a-z]+_)(01[0-9A-Z]{8})([0-9A-Z]{16})\b`)
)

// corpusView renders the judged part of an envelope with run-dependent values
// (times, request ids, idempotency keys, ids of new objects) replaced.
func corpusView(t *testing.T, stdout []byte, stderr string) string {
	t.Helper()
	var env corpusEnvelope
	if err := json.Unmarshal(stdout, &env); err != nil {
		t.Fatalf("stdout is not an envelope: %v\nstdout: %s\nstderr: %s", err, stdout, stderr)
	}
	calls := make([]string, len(env.Calls))
	for i, c := range env.Calls {
		calls[i] = c.Function + " " + itoa(c.Status)
	}
	view := map[string]any{"ok": env.OK, "outcome": env.Outcome, "result": env.Result, "logs": env.Logs, "calls": calls}
	if env.Error != nil {
		view["error"] = env.Error
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(view); err != nil {
		t.Fatal(err)
	}
	s := corpusTimeRE.ReplaceAllString(buf.String(), "<time>")
	s = corpusRequestIDRE.ReplaceAllString(s, "<request-id>")
	s = corpusUUIDRE.ReplaceAllString(s, "<uuid>")
	s = corpusIDRE.ReplaceAllStringFunc(s, func(id string) string {
		m := corpusIDRE.FindStringSubmatch(id)
		if created, ok := crockfordMillis(m[2]); ok && time.Since(created).Abs() < 48*time.Hour {
			return m[1] + "<new>" + m[3]
		}
		return id
	})
	return s
}

// crockfordMillis decodes the 10-character time part of an emulator id.
func crockfordMillis(s string) (time.Time, bool) {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var ms int64
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(alphabet, s[i])
		if d < 0 {
			return time.Time{}, false
		}
		ms = ms<<5 | int64(d)
	}
	return time.UnixMilli(ms), true
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
