// Package luajson converts between Lua values (gopher-lua), JSON and plain
// Go values. It is the one converter used by the sandbox (the Lua `json`
// module) and by host bindings (API responses into Lua tables, Lua
// arguments into Go values).
//
// # Lua module
//
// [Preload] registers the module "json" (for require("json")) and the
// global `json`:
//
//	json.encode(v [, {indent = "  "}]) -> string   -- raises on error
//	json.decode(s) -> value                        -- raises on error
//	json.null                                      -- explicit JSON null
//	json.array([t]) -> t                           -- mark t as an array
//	json.object([t]) -> t                          -- mark t as an object
//
// # Tables: array or object
//
// Lua has one table type, so the encoder decides per table:
//
//   - A table marked with json.object (or decoded from a JSON object, or
//     made by [FromGo] from a map) is an object, even when empty.
//   - A table marked with json.array (or decoded from a JSON array, or made
//     from a slice) is an array of t[1]..t[#t]; holes encode as null. A
//     marked array with any other key is an error.
//   - An unmarked table whose keys are exactly 1..n is an array; an unmarked
//     empty table is the empty array `[]` (use json.object() for `{}`).
//   - Any other unmarked table (string keys, mixed, sparse, zero or negative
//     indices) is an object; number keys become strings ("1", "2.5").
//
// Markers are per-state metatables (kept in the registry), so
// setmetatable() on a decoded table replaces the marker and the table falls
// back to the unmarked rules. Keys other than strings and numbers are errors.
// Object keys are sorted bytewise, so output is deterministic.
//
// # null
//
// JSON null decodes to nil inside objects (the key is absent, so
// `until not page.list_metadata.after` ends a loop) and at the top level.
// Inside arrays it decodes to json.null, so positions are kept. json.null
// is a userdata unique to the state; it encodes as null, tostring gives
// "null", and indexing it raises a clear error. On the Go side it is
// [Null]; a Go nil means "absent".
//
// # Numbers
//
// Lua 5.1 numbers are float64. Integral values encode as integers (3, not
// 3.0; 1e20 as 100000000000000000000); beyond 2^53 the shortest digits that
// round-trip are used, padded with zeros. Other values use the shortest
// round-trip form (exponent form below 1e-6). NaN and ±Inf are errors.
// When decoding, an integer literal that a float64 cannot hold exactly
// (beyond 2^53, e.g. a 19-digit id) and any number outside the float64
// range stay Lua strings with the exact literal digits, so they survive a
// round trip. [ToGo] gives int64 for integral numbers and float64 otherwise.
//
// # Strings
//
// Lua strings are bytes; JSON strings are UTF-8. Invalid UTF-8 becomes
// U+FFFD both ways (as in encoding/json). Decoded strings without escapes
// share the input's memory.
//
// # Limits and errors
//
// Nesting is limited to [DefaultMaxDepth] (200) levels by default, both
// ways; reference cycles are detected. A table may appear many times in a
// value (t = {t, t} repeated n times stands for 2^n leaves), so sizes are
// bounded by default, never unlimited unless asked for:
// [EncodeOptions.MaxBytes] bounds the output ([DefaultMaxBytes], 64 MiB,
// when 0) and is checked while writing; [ToGoOptions] bound the values
// ([DefaultMaxNodes]) and string bytes ([DefaultMaxStringBytes]) of a
// [ToGo] result. The encoder copies the earlier output of a large table
// used again instead of walking it again, so such values reach the limit
// quickly. [EncodeOptions.Context] and [DecodeOptions.Context] let a host
// stop a long encode or decode (the sandbox passes its run context).
// Errors are typed: *[EncodeError] names the JSON path of the offending
// value (e.g. `$.data[3].name`, array indices 1-based as in Lua) and the
// fix; *[SizeError] reports the byte limit of an encoding; *[ValueSizeError]
// reports the limit a [ToGo] result hit; *[DecodeError] gives the line,
// column and offset of malformed input. The Lua functions raise the same
// messages as Lua errors.
//
// The package keeps no package-level mutable state; the per-state markers
// live in each state's registry.
package luajson
