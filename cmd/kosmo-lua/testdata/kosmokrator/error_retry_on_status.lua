-- Branch on the status inside the message, as scripts for string errors do.
local function find(id)
  local ok, res = pcall(workos.organizations_find, {id = id})
  if ok then return "found " .. res.name end
  if string.match(res, "404") then return "missing " .. id end
  error(res)
end
local out = {}
for _, id in ipairs({"org_01HGL0BEX000000000000000GX", "org_nope"}) do out[#out + 1] = find(id) end
return out
