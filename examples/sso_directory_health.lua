-- SSO and directory health report: every connection and directory with its
-- state, plus the organizations whose domains are not verified yet.
--
--   kosmo-lua run --emulate examples/sso_directory_health.lua
local connections = workos.list_all("connections_list", {limit = 100})
local directories = workos.list_all("directories_list", {limit = 100})
local orgs = workos.list_all("organizations_list", {limit = 100})

local org_name = {}
for _, o in ipairs(orgs) do org_name[o.id] = o.name end

-- Count each directory's users and groups in one batch.
local calls = {}
for i, d in ipairs(directories) do
  calls[2 * i - 1] = {"directory_users_list", {directory = d.id, limit = 100}}
  calls[2 * i] = {"directory_groups_list", {directory = d.id, limit = 100}}
end
local counts = workos.batch(calls)

local problems = json.array({})
local report = {connections = json.array({}), directories = json.array({}), unverified_domains = json.array({})}
for _, c in ipairs(connections) do
  report.connections[#report.connections + 1] = {
    name = c.name, type = c.connection_type, state = c.state, organization = org_name[c.organization_id],
  }
  if c.state ~= "active" then problems[#problems + 1] = "connection " .. c.name .. " is " .. tostring(c.state) end
end
for i, d in ipairs(directories) do
  local users, groups = counts[2 * i - 1], counts[2 * i]
  local entry = {
    name = d.name, type = d.type, state = d.state, organization = org_name[d.organization_id],
    users = users.ok and #users.value.data or json.null,
    groups = groups.ok and #groups.value.data or json.null,
  }
  report.directories[#report.directories + 1] = entry
  if d.state ~= "linked" and d.state ~= "active" then problems[#problems + 1] = "directory " .. d.name .. " is " .. tostring(d.state) end
  if not users.ok then problems[#problems + 1] = "directory " .. d.name .. ": " .. users.error.message end
end
for _, o in ipairs(orgs) do
  for _, dom in ipairs(o.domains or {}) do
    if dom.state ~= "verified" then
      report.unverified_domains[#report.unverified_domains + 1] = o.name .. ": " .. dom.domain
    end
  end
end
table.sort(report.unverified_domains)
report.problems = problems
report.healthy = #problems == 0
return report
