-- expect: memory_limit
local s = string.rep("x", 1e5)
return #s:gsub("x", s)
