-- expect: completed
-- a huge integer key goes to the hash part instead of allocating the gap
local t = {}
t[60000000] = 1
t[2^40] = 2
return #t
