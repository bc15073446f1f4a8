-- expect: stack_overflow
local function f() return 1 + f() end
local ok, err = coroutine.resume(coroutine.create(f))
return "swallowed"
