-- Every user grouped by organization, following pagination to the end.
-- Memberships of all organizations are fetched in one batch.
--
--   kosmo-lua run --emulate examples/users_by_organization.lua
local a = args or {}
local page_size = a.page_size or 100

-- All users, page by page (workos.paginate follows list_metadata.after).
local email_of = {}
local user_count = 0
for user in workos.paginate("userland_users_list_0", {limit = page_size}) do
  email_of[user.id] = user.email
  user_count = user_count + 1
end

local orgs = workos.list_all("organizations_list", {limit = page_size})
local calls = {}
for i, org in ipairs(orgs) do
  calls[i] = {"userland_user_organization_memberships_list", {organization_id = org.id, limit = 100}}
end
local results = workos.batch(calls, {concurrency = 8})

local by_org, assigned = {}, {}
for i, org in ipairs(orgs) do
  local emails = json.array({})
  if results[i].ok then
    for _, m in ipairs(results[i].value.data) do
      emails[#emails + 1] = email_of[m.user_id] or m.user_id
      assigned[m.user_id] = true
    end
  end
  table.sort(emails)
  by_org[org.name] = emails
end

local unassigned = json.array({})
for id, email in pairs(email_of) do
  if not assigned[id] then unassigned[#unassigned + 1] = email end
end
table.sort(unassigned)

return {users = user_count, organizations = #orgs, by_organization = by_org, without_organization = unassigned}
