-- expect: completed
-- linear gsub: 2 MB finishes quickly
local s = string.rep("ab", 1e6)
local out, n = s:gsub("a", "x")
return n
