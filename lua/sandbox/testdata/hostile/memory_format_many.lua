-- expect: memory_limit
local s = string.rep("x", 1e6)
local args = {}
for i = 1, 40 do args[i] = s end
return #string.format(string.rep("%s", 40), unpack(args))
