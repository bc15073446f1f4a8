-- Spins until a limit stops it (--cpu-limit / cpuLimit).
local n = 0
while true do n = n + 1 end
