-- Bulk feature-flag targeting: turn a flag on for every organization that owns
-- one of the given domains, then read back which organizations now see it.
--
--   kosmo-lua run --emulate examples/feature_flag_targeting.lua \
--     --args '{"flag":"beta-search","domains":["globex.com","initech.com"]}'
local a = args or {}
local slug = a.flag or "beta-search"
local domains = a.domains or {"globex.com", "initech.com"}

local flag = workos.feature_flags_find_by_slug{slug = slug}
local orgs = workos.list_all("organizations_list", {domains = domains, limit = 100})
if #orgs == 0 then error("no organization owns any of: " .. table.concat(domains, ", ")) end

local calls = {}
for i, org in ipairs(orgs) do
  calls[i] = {"flag_targets_create_target", {slug = slug, resource_id = org.id}}
end
local added = workos.batch(calls)
local failures = {}
for i, r in ipairs(added) do
  if not r.ok then failures[#failures + 1] = {organization = orgs[i].name, error = r.error.message} end
end

if not flag.enabled then flag = workos.feature_flags_enable_flag{slug = slug} end

-- Verify: each organization's evaluated flags.
local checks = {}
for i, org in ipairs(orgs) do
  checks[i] = {"organization_feature_flags_list", {organization_id = org.id, limit = 100}}
end
local seen = {}
for i, r in ipairs(workos.batch(checks)) do
  local on = false
  if r.ok then
    for _, f in ipairs(r.value.data) do
      if f.slug == slug and f.enabled then on = true end
    end
  end
  seen[#seen + 1] = {organization = orgs[i].name, enabled = on}
end

return {flag = slug, enabled = flag.enabled, targeted = #orgs - #failures, failures = json.array(failures), now = seen}
