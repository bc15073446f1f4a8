-- expect: stack_overflow
local function f() pcall(f) end
f()
return "swallowed"
