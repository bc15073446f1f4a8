-- The audit account is saved with write deny: its own policy applies.
local n = #workos.audit.organizations_list({limit = 10}).data
workos.audit.organizations_create({name = "Should not exist"})
return n
