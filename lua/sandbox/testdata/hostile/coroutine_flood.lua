-- expect: memory_limit
local t = {}
for i = 1, 1e7 do t[i] = coroutine.create(function() coroutine.yield() end) coroutine.resume(t[i]) end
