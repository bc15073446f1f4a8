-- expect: timeout
local s = string.rep("a", 4000)
while true do for m in s:gmatch("a-a-a-a-b") do end end
