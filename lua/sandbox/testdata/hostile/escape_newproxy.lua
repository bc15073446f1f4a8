-- expect: error
local p = newproxy(true) getmetatable(p).__gc = function() end return p
