-- expect: output_limit
local t = {} for i = 1, 1000 do t[i] = "item" .. i end
while true do print(t) end
