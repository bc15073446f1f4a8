-- expect: memory_limit
-- one json.decode call that would build 4 million tables stops at the memory limit
local doc = "[" .. string.rep("[],", 4e6) .. "[]]"
return #json.decode(doc)
