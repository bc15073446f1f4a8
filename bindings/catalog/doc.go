// Package catalog is the single description of every WorkOS API operation that
// kosmo-lua exposes: its names, HTTP method and path, parameters, request-body and
// response schemas, authentication kind, pagination and access class.
//
// The catalog is generated from WorkOS's official OpenAPI specification by
// internal/gencatalog (run `go generate ./...` with ../shared/workos beside the
// repository) into catalog_gen.json, the reviewable form, and catalog_gen.go, the
// same operations as one Go composite literal. The compiler lays that literal out
// in the binary's data, so nothing is parsed or built at start: a process pays only
// for the pages it touches. Both files are committed, and tests fail when they
// drift from the specification or from each other. Nothing reads the
// specification at run time.
//
// # Names
//
// Every operation has three kinds of name, all resolved by [Catalog.Lookup]:
//
//   - the canonical name, used everywhere in kosmo-lua: the seed name without its
//     "workos_" prefix, e.g. "organizations_list";
//   - the seed name that KosmoKrator's catalog uses: "workos_" + snake_case of the
//     operationId without "Controller", "[N]" turned into "_N", e.g.
//     "workos_userland_users_list_0" (see [SeedName]);
//   - KosmoKrator's runtime names derived from the operation's title, e.g.
//     "validate_api_key" (see [TitleAlias]). A title alias shared by several
//     operations is ambiguous: Lookup reports the candidates instead of guessing.
//
// The vault operations, whose operationIds do not follow the NestJS pattern, get
// readable names from the hand-written table in overrides.go.
//
// # Access classes
//
// [Access] is derived from the HTTP method (GET is read, DELETE is destructive,
// everything else is write) plus the short, documented override list in
// overrides.go — not from the seed's Read/Write labels, which are wrong for seven
// GET operations. Every surface (Lua, CLI, MCP) enforces its write policy with it.
package catalog

//go:generate go run ./internal/gencatalog -spec ../../../shared/workos/open-api-spec.json -out catalog_gen.json
