-- expect: completed
-- after the error the run goes on normally
local n = 0
for i = 1, 100 do
  local co = coroutine.create(function() return tostring(setmetatable({}, {__tostring = function() coroutine.yield() return "" end})) end)
  local ok = coroutine.resume(co)
  if not ok then n = n + 1 end
end
assert(n == 100)
return "ok"
