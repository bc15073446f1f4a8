-- expect: completed
local b = {} b[5e5] = true b[5e5] = nil
local r = {} for i = 1, 2000 do r[i] = b end
print(r)
return "ok"
