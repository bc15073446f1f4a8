-- expect: timeout
local s = string.rep("a", 5000)
return s:find(string.rep("a*", 30) .. "b")
