-- expect: stack_overflow
-- pcall cannot swallow stack_overflow
local function f() return 1 + f() end
for i = 1, 100 do pcall(f) end
return "swallowed"
