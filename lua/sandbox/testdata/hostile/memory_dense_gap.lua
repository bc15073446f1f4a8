-- expect: memory_limit
-- the largest dense gap (4 Mi slots, 64 MiB) exceeds a 32 MiB limit
local t = {}
t[4194303] = 1
local u = {}
u[4194303] = 1
return #t + #u
