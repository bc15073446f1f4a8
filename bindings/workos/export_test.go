package workos

// SplitUnion exposes splitUnion to the external tests that read the LuaLS
// file back.
var SplitUnion = splitUnion
