-- expect: completed
local t = setmetatable({}, {__index = function(t, k) return coroutine.yield(k) end})
local co = coroutine.create(function() return t.x end)
local ok, err = coroutine.resume(co)
assert(not ok and tostring(err):find("attempt to yield across", 1, true), tostring(err))
return "ok"
