package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// jsonObject is a JSON object that keeps its keys' order, so that merging
// a server into a client's file changes only that server's lines.
type jsonObject struct {
	keys []string
	vals map[string]json.RawMessage
}

// parseJSONObject reads a JSON object; empty input is an empty object.
func parseJSONObject(data []byte) (*jsonObject, error) {
	o := &jsonObject{vals: map[string]json.RawMessage{}}
	if len(bytes.TrimSpace(data)) == 0 {
		return o, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o.set(k, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return o, nil
}

// set sets k, keeping its place when it exists.
func (o *jsonObject) set(k string, v json.RawMessage) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// object returns the member k as an object (a new one when absent).
func (o *jsonObject) object(k string) (*jsonObject, error) {
	raw, ok := o.vals[k]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return &jsonObject{vals: map[string]json.RawMessage{}}, nil
	}
	sub, err := parseJSONObject(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a JSON object", k)
	}
	return sub, nil
}

// MarshalJSON writes the object in its key order.
func (o *jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(o.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// indentJSON is v as two-space indented JSON with a final newline.
func indentJSON(v any) ([]byte, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(raw.Bytes()), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// rawJSON encodes v (HTML characters unescaped).
func rawJSON(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return json.RawMessage(bytes.TrimSpace(b.Bytes()))
}

// mergeJSONServer puts server under servers[name] (servers is "mcpServers"
// or "servers") and, for VS Code, adds inputs not already declared (by id).
func mergeJSONServer(old []byte, serversKey, name string, server any, inputs []any) ([]byte, error) {
	doc, err := parseJSONObject(old)
	if err != nil {
		return nil, err
	}
	servers, err := doc.object(serversKey)
	if err != nil {
		return nil, err
	}
	servers.set(name, rawJSON(server))
	doc.set(serversKey, rawJSON(servers))
	if len(inputs) > 0 {
		var have []map[string]any
		if raw, ok := doc.vals["inputs"]; ok {
			if err := json.Unmarshal(raw, &have); err != nil {
				return nil, errors.New(`"inputs" is not a list of objects`)
			}
		}
		merged := make([]any, 0, len(have)+len(inputs))
		ids := map[any]bool{}
		for _, in := range have {
			merged = append(merged, in)
			ids[in["id"]] = true
		}
		for _, in := range inputs {
			if m, ok := in.(map[string]any); !ok || !ids[m["id"]] {
				merged = append(merged, in)
			}
		}
		doc.set("inputs", rawJSON(merged))
	}
	return indentJSON(doc)
}

// tomlHeader matches a TOML table header line and captures its key path.
var tomlHeader = regexp.MustCompile(`^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$`)

// mergeTOMLServer replaces the [mcp_servers.NAME] table (and its
// sub-tables) of a Codex config.toml by table, or appends it, leaving every
// other line (comments included) as it was. A server defined in a form this
// cannot edit (an inline table, dotted keys) is refused, never duplicated.
func mergeTOMLServer(old []byte, name, table string) ([]byte, error) {
	want := map[string]bool{"mcp_servers." + name: true, "mcp_servers." + tomlString(name): true}
	lines := strings.SplitAfter(string(old), "\n")
	var out []string
	skipping, placed := false, -1
	for _, line := range lines {
		if m := tomlHeader.FindStringSubmatch(line); m != nil {
			key := strings.Join(strings.Fields(strings.ReplaceAll(m[1], " . ", ".")), "")
			skipping = false
			for w := range want {
				if key == w || strings.HasPrefix(key, w+".") {
					skipping = true
				}
			}
			if skipping && placed < 0 {
				placed = len(out) // the new table goes where the old one was
			}
		}
		if !skipping {
			out = append(out, line)
		}
	}
	rest := strings.Join(out, "")
	for _, pat := range []string{"mcp_servers." + name + " ", "mcp_servers." + name + ".", "mcp_servers." + name + "=", tomlKey(name) + " = {", tomlKey(name) + "={"} {
		if strings.Contains(rest, pat) {
			return nil, fmt.Errorf("the server %q is defined in a form kosmo-lua does not edit (dotted keys or an inline table); remove it and run mcp install again", name)
		}
	}
	if placed >= 0 {
		before, after := strings.Join(out[:placed], ""), strings.Join(out[placed:], "")
		if after != "" {
			table += "\n"
		}
		return []byte(before + table + after), nil
	}
	if rest != "" && !strings.HasSuffix(rest, "\n") {
		rest += "\n"
	}
	if rest != "" && !strings.HasSuffix(rest, "\n\n") {
		rest += "\n"
	}
	return []byte(rest + table), nil
}

// lineDiff is a short diff of old and new: the lines between their common
// head and tail, "-" removed and "+" added, with up to two lines of context.
func lineDiff(path string, old, new []byte) string {
	a := splitLines(string(old))
	b := splitLines(string(new))
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	if head == len(a) && head == len(b) {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", path, path)
	from := max(0, head-2)
	fmt.Fprintf(&sb, "@@ -%d +%d @@\n", from+1, from+1)
	for _, l := range a[from:head] {
		sb.WriteString(" " + l + "\n")
	}
	for _, l := range a[head : len(a)-tail] {
		sb.WriteString("-" + l + "\n")
	}
	for _, l := range b[head : len(b)-tail] {
		sb.WriteString("+" + l + "\n")
	}
	for _, l := range b[len(b)-tail : min(len(b), len(b)-tail+2)] {
		sb.WriteString(" " + l + "\n")
	}
	return sb.String()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
