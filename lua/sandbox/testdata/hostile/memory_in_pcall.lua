-- expect: memory_limit
-- pcall cannot swallow memory_limit
local ok = pcall(function() local t = {} for i = 1, 1e9 do t[i] = {} end end)
return "swallowed: " .. tostring(ok)
