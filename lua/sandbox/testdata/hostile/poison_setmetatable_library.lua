-- expect: error
setmetatable(json, {__index = function() return "PWNED" end})
