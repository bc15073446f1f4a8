-- expect: completed
-- require("os") only gives the reduced os table
local os2 = require("os")
assert(os2.execute == nil and os2.getenv == nil)
return "refused"
