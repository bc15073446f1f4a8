-- expect: completed
local function y() coroutine.yield() return true end
local mt = {__eq = y, __lt = y, __le = y}
local a, b = setmetatable({}, mt), setmetatable({}, mt)
for _, f in ipairs({function() return a == b end, function() return a < b end, function() return a <= b end}) do
  local co = coroutine.create(f)
  local ok, err = coroutine.resume(co)
  assert(not ok and tostring(err):find("attempt to yield across", 1, true), tostring(err))
end
return "ok"
