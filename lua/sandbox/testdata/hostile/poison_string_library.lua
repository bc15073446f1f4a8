-- expect: error
string.format = function() return "PWNED" end
