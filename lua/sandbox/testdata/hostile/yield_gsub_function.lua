-- expect: completed
local co = coroutine.create(function()
  return (string.gsub("abc", "%w", function(c) coroutine.yield(c) return c end))
end)
local ok, err = coroutine.resume(co)
assert(not ok and tostring(err):find("attempt to yield across", 1, true), tostring(err))
return "ok"
