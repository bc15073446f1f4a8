-- expect: memory_limit
local keep = {}
local doc = "[" .. string.rep("{\"a\":[1,2,3]},", 1000) .. "1]"
for i = 1, 1e9 do keep[i] = json.decode(doc) end
