-- expect: error
local ok, e = xpcall(function() error("a") end, function(e) error("b") end)
error(e)
