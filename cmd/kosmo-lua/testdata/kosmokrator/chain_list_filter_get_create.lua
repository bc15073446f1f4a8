-- list -> filter -> get -> create, the chain KosmoKrator's examples teach.
local orgs = workos.organizations_list({limit = 10}).data
local picked
for _, o in ipairs(orgs) do
  if regex.match(o.name, "/^acme/i") then picked = o end
end
local full = workos.organizations_find({id = picked.id})
local created = workos.organizations_create({body = {name = full.name .. " Labs"}})
local again = workos.organizations_find({id = created.id})
return {picked = picked.name, created = again.name, new_id = regex.match(created.id, "/^org_\\w{26}$/") ~= nil}
