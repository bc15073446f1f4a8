-- expect: memory_limit
local t, prefix = {}, string.rep("k", 200)
for i = 1, 1e9 do t[prefix .. i] = i end
