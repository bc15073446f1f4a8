-- expect: memory_limit
local t, s = {}, string.rep("x", 1e6)
for i = 1, 100 do t[i] = s end
return #table.concat(t, s)
