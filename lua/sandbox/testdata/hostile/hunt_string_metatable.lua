-- expect: completed
local mt = getmetatable("")
local ok = pcall(function() mt.__index = nil end)
return tostring(ok) .. " " .. tostring(("x"):upper())
