-- KosmoKrator's two-account idiom: read from one account, write to another.
local staging = app.integrations.workos.staging
local orgs = staging.organizations_list({limit = 100})
local copied = {}
for _, org in ipairs(orgs.data) do
  local created = app.integrations.workos.prod.organizations_create({name = org.name .. " (copy)"})
  copied[#copied + 1] = created.name
end
table.sort(copied)
return {
  copied = copied,
  staging_after = #workos.staging.organizations_list({limit = 100}).data,
  prod_after = #workos.prod.organizations_list({limit = 100}).data,
}
