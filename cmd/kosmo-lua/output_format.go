package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// Output formats of --output. The default is JSON (indented on a terminal);
// table and raw are for people and shell pipelines and apply even when
// stdout is a pipe, since asking for them is explicit. kosmo-lua prints no
// colour, so NO_COLOR has nothing to turn off.
const (
	outputJSON  = "json"
	outputTable = "table"
	outputRaw   = "raw"
)

// checkOutput validates --output.
func checkOutput(format string) error {
	switch format {
	case "", outputJSON, outputTable, outputRaw:
		return nil
	}
	return flagErrorf("--output must be json, table or raw, not %q", format)
}

// writeResult writes a result (encoded JSON) in format: json as
// [writeRawJSON]; raw a string without quotes (other values as JSON); table
// a list of objects (or a WorkOS list's data) as columns, an object as
// key/value rows, anything else as JSON.
func writeResult(w io.Writer, raw json.RawMessage, format string, pretty bool) error {
	switch format {
	case outputRaw:
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			_, err := io.WriteString(w, strings.TrimSuffix(s, "\n")+"\n")
			return err
		}
	case outputTable:
		if ok, err := writeTable(w, raw); ok || err != nil {
			return err
		}
	}
	return writeRawJSON(w, raw, pretty)
}

// maxCellRunes bounds a table cell; longer values end in "…".
const maxCellRunes = 48

// writeTable writes raw as a table; ok is false when it is not tabular.
func writeTable(w io.Writer, raw json.RawMessage) (ok bool, err error) {
	rows, ok := tableRows(raw)
	if !ok {
		return false, nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if rows == nil { // a single object: key/value rows
		obj, _ := parseJSONObject(raw)
		fmt.Fprintln(tw, "KEY\tVALUE")
		for _, k := range obj.keys {
			fmt.Fprintf(tw, "%s\t%s\n", cell(k), cellValue(obj.vals[k]))
		}
		return true, tw.Flush()
	}
	var cols []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, k := range r.keys {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	upper := make([]string, len(cols))
	for i, c := range cols {
		upper[i] = strings.ToUpper(cell(c))
	}
	fmt.Fprintln(tw, strings.Join(upper, "\t"))
	for _, r := range rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			if v, ok := r.vals[c]; ok {
				cells[i] = cellValue(v)
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return true, tw.Flush()
}

// tableRows returns the objects of a list result (an array of objects, or
// an object whose "data" is one), nil rows with ok for a plain object, and
// ok false for anything else.
func tableRows(raw json.RawMessage) (rows []*jsonObject, ok bool) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, false
	}
	if trimmed[0] == '{' {
		obj, err := parseJSONObject(trimmed)
		if err != nil {
			return nil, false
		}
		if data, ok := obj.vals["data"]; ok {
			if rows, ok := objectList(data); ok {
				return rows, true
			}
		}
		return nil, true
	}
	return objectList(trimmed)
}

// objectList decodes a non-empty array whose every item is an object.
func objectList(raw json.RawMessage) ([]*jsonObject, bool) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || len(items) == 0 {
		return nil, false
	}
	rows := make([]*jsonObject, 0, len(items))
	for _, it := range items {
		if t := bytes.TrimSpace(it); len(t) == 0 || t[0] != '{' {
			return nil, false
		}
		o, err := parseJSONObject(it)
		if err != nil {
			return nil, false
		}
		rows = append(rows, o)
	}
	return rows, true
}

// cellValue renders a JSON value for a cell: strings bare, null empty,
// others compact JSON.
func cellValue(v json.RawMessage) string {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return cell(s)
	}
	t := bytes.TrimSpace(v)
	if string(t) == "null" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, t); err != nil {
		return cell(string(t))
	}
	return cell(buf.String())
}

// cell makes s fit one table cell: one line, at most maxCellRunes runes.
func cell(s string) string {
	s = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
	if utf8.RuneCountInString(s) <= maxCellRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxCellRunes-1]) + "…"
}
