-- expect: completed
local co = coroutine.wrap(function()
  local t = {3, 1, 2}
  table.sort(t, function(a, b) coroutine.yield() return a < b end)
end)
local ok, err = pcall(co)
assert(not ok and tostring(err):find("attempt to yield across", 1, true), tostring(err))
return "ok"
