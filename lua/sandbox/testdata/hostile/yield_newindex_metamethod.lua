-- expect: completed
local t = setmetatable({}, {__newindex = function(t, k, v) coroutine.yield(k) end})
local co = coroutine.create(function() t.x = 1 return "done" end)
local ok, err = coroutine.resume(co)
assert(not ok and tostring(err):find("attempt to yield across", 1, true), tostring(err))
return "ok"
