package runtime

import (
	"encoding/binary"
	"errors"
	"math"
	"net/http"
	"time"
)

// A workos call costs a call frame and a reply frame, so those two have a
// compact binary header besides the JSON one every frame can have: decoding
// a JSON header by reflection was most of the codec's cost per call. A
// compact header starts with compactMagic, which no JSON text does:
//
//	magic kind id(uvarint) fields...
//
// call:  function account flags(1 = batch)
// reply: function status request-id retries idempotency-key
//
//	duration(varint ns) header-count {name value-count {value}}
//
// Strings are a uvarint length and their bytes. A reply that carries an
// error or a dry-run record keeps the JSON header: those are rare, and their
// types are large.
const compactMagic = 0xB1

// Compact header kinds.
const (
	compactCall  = 'c'
	compactReply = 'r'
)

// compactable reports whether f can have a compact header.
func compactable(f *frame) bool {
	switch f.Type {
	case frameCall:
		return f.Job == nil && f.Result == nil && f.Err == nil && f.Report == nil
	case frameReply:
		return f.Result != nil && f.Err == nil && f.Result.DryRun == nil
	}
	return false
}

// appendCompact appends f's compact header to buf; f must be compactable.
func appendCompact(buf []byte, f *frame) []byte {
	buf = append(buf, compactMagic)
	if f.Type == frameCall {
		buf = append(buf, compactCall)
		buf = binary.AppendUvarint(buf, f.ID)
		buf = appendCompactString(buf, f.Function)
		buf = appendCompactString(buf, f.Account)
		var flags byte
		if f.Batch {
			flags = 1
		}
		return append(buf, flags)
	}
	r := f.Result
	buf = append(buf, compactReply)
	buf = binary.AppendUvarint(buf, f.ID)
	buf = appendCompactString(buf, r.Function)
	buf = binary.AppendUvarint(buf, uint64(max(r.Status, 0)))
	buf = appendCompactString(buf, r.RequestID)
	buf = binary.AppendUvarint(buf, uint64(max(r.Retries, 0)))
	buf = appendCompactString(buf, r.IdempotencyKey)
	buf = binary.AppendVarint(buf, int64(r.Duration))
	buf = binary.AppendUvarint(buf, uint64(len(r.Header)))
	for name, values := range r.Header {
		buf = appendCompactString(buf, name)
		buf = binary.AppendUvarint(buf, uint64(len(values)))
		for _, v := range values {
			buf = appendCompactString(buf, v)
		}
	}
	return buf
}

func appendCompactString(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

var errCompactHeader = errors.New("malformed compact header")

// parseCompact decodes a compact header (magic included).
func parseCompact(h []byte) (*frame, error) {
	d := compactDecoder{b: h}
	d.byte() // the magic
	f := &frame{}
	switch d.byte() {
	case compactCall:
		f.Type = frameCall
		f.ID = d.uvarint()
		f.Function = d.string()
		f.Account = d.string()
		f.Batch = d.byte()&1 != 0
	case compactReply:
		f.Type = frameReply
		f.ID = d.uvarint()
		r := &wireResult{Function: d.string()}
		r.Status = d.int()
		r.RequestID = d.string()
		r.Retries = d.int()
		r.IdempotencyKey = d.string()
		r.Duration = time.Duration(d.varint())
		if n := d.count(); n > 0 {
			r.Header = make(http.Header, n)
			for range n {
				name := d.string()
				values := make([]string, d.count())
				for i := range values {
					values[i] = d.string()
				}
				r.Header[name] = values
			}
		}
		f.Result = r
	default:
		return nil, errCompactHeader
	}
	if d.bad || len(d.b) != 0 {
		return nil, errCompactHeader
	}
	return f, nil
}

// compactDecoder reads a compact header; a read past its end sets bad and
// returns zero values, so a malformed header is one check at the end.
type compactDecoder struct {
	b   []byte
	bad bool
}

// fail marks the header malformed; every later read returns zero values.
func (d *compactDecoder) fail() {
	d.bad = true
	d.b = nil
}

func (d *compactDecoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *compactDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// varint reads binary.AppendVarint's zig-zag encoding.
func (d *compactDecoder) varint() int64 {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// int reads a uvarint that must fit an int32 (a status or a retry count).
func (d *compactDecoder) int() int {
	v := d.uvarint()
	if v > math.MaxInt32 {
		d.fail()
		return 0
	}
	return int(v)
}

// count reads a number of items, each at least a byte long, so a count
// larger than what remains is malformed (and allocates nothing).
func (d *compactDecoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *compactDecoder) string() string {
	n := d.count() // a string's bytes are its items
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
