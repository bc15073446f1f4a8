-- expect: completed
-- pcall and nested coroutines inside a coroutine keep working; yielding
-- through pcall (a Go function) is refused as in Lua 5.1
local co = coroutine.create(function()
  local ok, v = pcall(function() return 1 + 1 end)
  local inner = coroutine.wrap(function() coroutine.yield("i1") return "i2" end)
  local a, b = inner(), inner()
  local got = coroutine.yield(a .. b)
  local okp, err = pcall(function() coroutine.yield("through pcall") end)
  assert(not okp and tostring(err):find("attempt to yield across", 1, true), tostring(err))
  return ok and v + got
end)
local ok1, v1 = coroutine.resume(co)
assert(ok1 and v1 == "i1i2", tostring(v1))
local ok2, v2 = coroutine.resume(co, 40)
assert(ok2 and v2 == 42, tostring(v2))
assert(coroutine.status(co) == "dead")
return "ok"
