package main

import (
	"bytes"
	"encoding/json"
	"io"
)

// writeJSON writes v as one JSON document and a newline; indented when pretty.
// HTML characters are not escaped.
func writeJSON(w io.Writer, v any, pretty bool) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// writeRawJSON writes already-encoded JSON (re-indented when pretty) and a newline.
// An empty message is written as null.
func writeRawJSON(w io.Writer, raw json.RawMessage, pretty bool) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("null")
	}
	var buf bytes.Buffer
	var err error
	if pretty {
		err = json.Indent(&buf, raw, "", "  ")
	} else {
		err = json.Compact(&buf, raw)
	}
	if err != nil {
		buf.Reset()
		buf.Write(raw)
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}
