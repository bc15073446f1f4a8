// Package contract holds the OpenAPI contract test: every request the workos
// module builds for the catalog's example calls, and every answer the emulator
// gives to them, validated against WorkOS's published OpenAPI spec with
// pb33f/libopenapi-validator, a validator that shares no code with the catalog,
// the executor or the emulator. It skips when ../shared/workos (beside the
// repository) is absent. The package has no non-test code.
package contract
