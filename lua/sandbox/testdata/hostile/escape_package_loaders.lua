-- expect: completed
-- adding a loader only affects this run and cannot read files
table.insert(package.loaders, function(name) return function() return "fake " .. name end end)
local ok, v = pcall(require, "anything")
return tostring(ok) .. " " .. tostring(v)
