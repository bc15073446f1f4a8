package kosmolua_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kosmo-lua/kosmo-lua/bindings/api"
)

// serverSchemaID is the schema server.json declares, shipped in testdata.
const serverSchemaID = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"

func loadJSON(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// TestServerJSON validates server.json against the MCP Registry's schema and
// checks it agrees with the Dockerfile and the version.
func TestServerJSON(t *testing.T) {
	c := jsonschema.NewCompiler()
	if err := c.AddResource(serverSchemaID, loadJSON(t, "testdata/server.schema.json")); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(serverSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	doc := loadJSON(t, "server.json")
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("server.json does not validate against its schema:\n%v", err)
	}
	// The validator does refuse a bad document.
	bad := map[string]any{"name": "no-slash", "description": "x", "version": "1"}
	if sch.Validate(bad) == nil {
		t.Fatal("the schema accepted a name without a namespace")
	}

	var sj struct {
		Schema   string `json:"$schema"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Packages []struct {
			RegistryType string `json:"registryType"`
			Identifier   string `json:"identifier"`
			Transport    struct{ Type string }
		} `json:"packages"`
	}
	data, _ := os.ReadFile("server.json")
	if err := json.Unmarshal(data, &sj); err != nil {
		t.Fatal(err)
	}
	if sj.Schema != serverSchemaID {
		t.Errorf("$schema = %q, want %q", sj.Schema, serverSchemaID)
	}
	if want := strings.TrimSuffix(api.Version, "-dev"); sj.Version != want {
		t.Errorf("server.json version %q, want %q (api.Version without -dev)", sj.Version, want)
	}
	if len(sj.Packages) != 1 || sj.Packages[0].RegistryType != "oci" || !strings.HasSuffix(sj.Packages[0].Identifier, ":"+sj.Version) {
		t.Errorf("packages: %+v; want one oci package tagged %s", sj.Packages, sj.Version)
	}
	df := parseDockerfile(t, "Dockerfile")
	label := df.stages[len(df.stages)-1].labels["io.modelcontextprotocol.server.name"]
	if label != sj.Name {
		t.Errorf("the image's io.modelcontextprotocol.server.name label is %q; server.json names %q (the registry checks they match)", label, sj.Name)
	}
}

// dockerfile is what the test reads of a Dockerfile.
type dockerfile struct{ stages []*stage }

type stage struct {
	base, name string
	lines      []instruction
	labels     map[string]string
}

type instruction struct {
	keyword, args string
	line          int
}

var dockerKeywords = []string{"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
	"LABEL", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}

// parseDockerfile splits a Dockerfile into stages strictly: every line is a
// comment, blank, or a known instruction (continuation lines joined), and
// the first instruction that is not ARG is FROM.
func parseDockerfile(t *testing.T, path string) *dockerfile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	df := &dockerfile{}
	var (
		pending string
		start   int
	)
	fromRe := regexp.MustCompile(`^(\S+)(?:\s+(?i:AS)\s+([a-z][a-z0-9_.-]*))?$`)
	labelRe := regexp.MustCompile(`([A-Za-z0-9_.-]+)="([^"]*)"`)
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if pending == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if pending == "" {
			start = i + 1
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			pending += cont + " "
			continue
		}
		pending += line
		keyword, args, _ := strings.Cut(pending, " ")
		pending = ""
		keyword = strings.ToUpper(keyword)
		args = strings.TrimSpace(args)
		if !slices.Contains(dockerKeywords, keyword) {
			t.Fatalf("%s:%d: unknown instruction %q", path, start, keyword)
		}
		ins := instruction{keyword, args, start}
		if keyword == "FROM" {
			m := fromRe.FindStringSubmatch(args)
			if m == nil {
				t.Fatalf("%s:%d: FROM %q is not IMAGE [AS name]", path, start, args)
			}
			df.stages = append(df.stages, &stage{base: m[1], name: m[2], labels: map[string]string{}})
			continue
		}
		if len(df.stages) == 0 {
			if keyword != "ARG" {
				t.Fatalf("%s:%d: %s before the first FROM", path, start, keyword)
			}
			continue
		}
		st := df.stages[len(df.stages)-1]
		st.lines = append(st.lines, ins)
		if keyword == "LABEL" {
			for _, m := range labelRe.FindAllStringSubmatch(args, -1) {
				st.labels[m[1]] = m[2]
			}
		}
	}
	if pending != "" {
		t.Fatalf("%s: ends inside a continued line", path)
	}
	return df
}

// TestDockerfile checks the image's build without Docker: a build stage that
// compiles a static binary, and a final distroless or scratch stage that
// copies only that binary and runs as a non-root user in exec form.
func TestDockerfile(t *testing.T) {
	df := parseDockerfile(t, "Dockerfile")
	if len(df.stages) < 2 {
		t.Fatalf("%d stages; want a build stage and a runtime stage", len(df.stages))
	}
	names := map[string]bool{}
	static := false
	for _, st := range df.stages[:len(df.stages)-1] {
		if st.name == "" {
			t.Errorf("build stage FROM %s has no name", st.base)
		}
		names[st.name] = true
		for _, in := range st.lines {
			if in.keyword == "RUN" && strings.Contains(in.args, "CGO_ENABLED=0") && strings.Contains(in.args, "go build") {
				static = true
			}
			if in.keyword == "COPY" && !strings.HasPrefix(in.args, "--") {
				for _, src := range strings.Fields(in.args)[:len(strings.Fields(in.args))-1] {
					if _, err := os.Stat(strings.TrimSuffix(src, "/")); err != nil && src != "." {
						t.Errorf("line %d: COPY %s: not in the repository", in.line, src)
					}
				}
			}
		}
	}
	if !static {
		t.Error("no build stage runs `CGO_ENABLED=0 go build`")
	}
	final := df.stages[len(df.stages)-1]
	if final.base != "scratch" && !strings.HasPrefix(final.base, "gcr.io/distroless/static") {
		t.Errorf("final stage FROM %s; want scratch or gcr.io/distroless/static", final.base)
	}
	var user, entrypoint string
	for _, in := range final.lines {
		switch in.keyword {
		case "RUN":
			t.Errorf("line %d: RUN in the final stage (it has no shell)", in.line)
		case "COPY":
			m := regexp.MustCompile(`^--from=(\S+) `).FindStringSubmatch(in.args)
			if m == nil || !names[m[1]] {
				t.Errorf("line %d: the final stage copies %q, not from a build stage", in.line, in.args)
			}
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			entrypoint = in.args
		}
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "root" || u == "0" {
		t.Errorf("final stage USER %q; want a non-root user", user)
	}
	var argv []string
	if err := json.Unmarshal([]byte(entrypoint), &argv); err != nil || len(argv) == 0 {
		t.Errorf("ENTRYPOINT %q is not in exec form (a JSON array)", entrypoint)
	}
}
