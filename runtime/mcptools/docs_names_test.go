package mcptools

import "github.com/kosmo-lua/kosmo-lua/runtime/internal/docpages"

// guideNames lists the guides in reading order, for the tests.
var guideNames = docpages.GuideNames()
