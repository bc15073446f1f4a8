-- expect: completed
local function y() coroutine.yield() return 1 end
local mt = {__concat = y, __add = y, __unm = y, __len = y}
local a = setmetatable({}, mt)
for _, f in ipairs({function() return a .. "x" end, function() return a + 1 end, function() return -a end}) do
  local co = coroutine.create(f)
  local ok, err = coroutine.resume(co)
  assert(not ok and tostring(err):find("attempt to yield across", 1, true), tostring(err))
end
return "ok"
