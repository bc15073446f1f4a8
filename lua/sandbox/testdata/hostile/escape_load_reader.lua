-- expect: error
local parts = {"return ", "1"} local i = 0
return load(function() i = i + 1 return parts[i] end)()
