-- expect: error
getmetatable("").__index.upper = function() return "PWNED" end
