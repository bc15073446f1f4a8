-- expect: completed
-- an object with a 500k-slot array part used 2000 times: the encoder walks
-- it once and copies its encoding for the other uses
local b = {} b[1] = 1 b[5e5] = 1 b[5e5] = nil b.x = 1
local r = {} for i = 1, 2000 do r[i] = {b} end
local s = json.encode(r)
assert(s:sub(1, 22) == '[[{"1":1,"x":1}],[{"1"', s:sub(1, 40))
return "ok"
