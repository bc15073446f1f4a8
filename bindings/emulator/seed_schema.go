package emulator

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// seedSchemaID is the published address of seed.schema.json, its $id.
const seedSchemaID = "https://raw.githubusercontent.com/kosmo-lua/kosmo-lua/main/bindings/emulator/seed.schema.json"

//go:embed seed.schema.json
var seedSchemaJSON []byte

// SeedSchema returns the JSON Schema (draft 2020-12) of seed files, the file
// seed.schema.json; ParseSeed validates against it. Each call returns a copy.
func SeedSchema() []byte { return bytes.Clone(seedSchemaJSON) }

// SeedError is a seed file that does not match the seed schema: one problem per
// line, each naming the key's path (organizations[0].bogus) and what is allowed.
type SeedError struct {
	// File is the seed file's path (empty for [ParseSeed]).
	File string
	// Problems are the mismatches, sorted.
	Problems []string
}

func (e *SeedError) Error() string {
	what := "the seed"
	if e.File != "" {
		what = "seed file " + e.File
	}
	return "emulator: " + what + " is not valid:\n  " + strings.Join(e.Problems, "\n  ") +
		"\n(the seed schema is " + seedSchemaID + ")"
}

// validateSeedDoc checks a decoded seed document against the seed schema.
func validateSeedDoc(doc any) error {
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(seedSchemaJSON))
	if err != nil {
		return fmt.Errorf("emulator: the built-in seed schema does not parse: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(seedSchemaID, schemaDoc); err != nil {
		return fmt.Errorf("emulator: the built-in seed schema: %w", err)
	}
	sch, err := c.Compile(seedSchemaID)
	if err != nil {
		return fmt.Errorf("emulator: the built-in seed schema does not compile: %w", err)
	}
	verr, ok := sch.Validate(doc).(*jsonschema.ValidationError)
	if !ok {
		return nil
	}
	p := message.NewPrinter(language.English)
	var problems []string
	for _, leaf := range seedLeaves(verr) {
		problems = append(problems, seedProblems(schemaDoc, leaf, p)...)
	}
	slices.Sort(problems)
	return &SeedError{Problems: slices.Compact(problems)}
}

// seedLeaves are the innermost errors: the ones that say what is wrong.
func seedLeaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, seedLeaves(c)...)
	}
	return out
}

// seedPath renders an instance location as organizations[0].domain_data[1].state.
func seedPath(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

// seedProblems words one validation error.
func seedProblems(schemaDoc any, e *jsonschema.ValidationError, p *message.Printer) []string {
	at := seedPath(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		allowed := strings.Join(allowedSeedKeys(schemaDoc, e.InstanceLocation), ", ")
		var out []string
		for _, name := range k.Properties {
			out = append(out, fmt.Sprintf("%s: unknown key; allowed keys: %s", joinPath(at, name), allowed))
		}
		return out
	case *kind.Required:
		var out []string
		for _, name := range k.Missing {
			out = append(out, fmt.Sprintf("%s: required key is missing", joinPath(at, name)))
		}
		return out
	}
	if at == "" {
		at = "(top level)"
	}
	return []string{at + ": " + e.ErrorKind.LocalizedString(p)}
}

// allowedSeedKeys lists the properties the schema allows at an instance location.
func allowedSeedKeys(schemaDoc any, loc []string) []string {
	node, _ := schemaDoc.(map[string]any)
	for _, tok := range loc {
		if node == nil {
			return nil
		}
		if _, err := strconv.Atoi(tok); err == nil {
			node, _ = node["items"].(map[string]any)
			continue
		}
		props, _ := node["properties"].(map[string]any)
		node, _ = props[tok].(map[string]any)
	}
	props, _ := node["properties"].(map[string]any)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// decodeSeedJSON decodes a seed document (JSON; YAML is converted first) for
// validation, keeping numbers exact.
func decodeSeedJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
