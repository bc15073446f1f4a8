-- expect: timeout
-- encoding in a loop: every encoding stays within its budget, the timeout ends the run
local b = {} b[1] = 1 b[5e5] = 1 b[5e5] = nil b.x = 1
local r = {} for i = 1, 20 do r[i] = {b} end
while true do pcall(json.encode, r) end
