-- expect: completed
-- __call is a plain call: yielding from it is allowed, as in C Lua
local callable = setmetatable({}, {__call = function(self, x) local y = coroutine.yield(x) return y * 2 end})
local co = coroutine.create(function() return callable(21) end)
local ok, v = coroutine.resume(co)
assert(ok and v == 21, tostring(v))
local ok2, v2 = coroutine.resume(co, 5)
assert(ok2 and v2 == 10, tostring(v2))
return "ok"
