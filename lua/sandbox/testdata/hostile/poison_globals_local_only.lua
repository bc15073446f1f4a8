-- expect: completed
-- rebinding globals is allowed: it only affects this run
print = function() end
string = {upper = function() return "PWNED" end}
return string.upper("x")
