-- expect: completed
-- yield inside __tostring (tostring is a Go function that calls back into Lua)
local obj = setmetatable({}, {__tostring = function() coroutine.yield(1) return "x" end})
local co = coroutine.create(function() return tostring(obj) end)
local ok, err = coroutine.resume(co)
assert(not ok and tostring(err):find("attempt to yield across", 1, true), tostring(err))
assert(coroutine.status(co) == "dead")
return "ok"
