-- expect: memory_limit
for i = 1, 1e7 do coroutine.wrap(function() end)() end
