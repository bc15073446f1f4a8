-- expect: error
rawset(string, "rep", function() return "PWNED" end)
