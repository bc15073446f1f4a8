-- Who can access a resource, and why? Lists the organization members that
-- hold a permission on a resource (found by its external id) and explains each
-- grant by the role assignments behind it.
--
--   kosmo-lua run --emulate examples/who_can_access.lua \
--     --args '{"external_id":"roadmap","resource_type":"project","permission":"projects:write"}'
local a = args or {}
local org_id = a.organization_id or "org_01HACME00000000000000000AC"
local resource_type = a.resource_type or "project"
local external_id = a.external_id or "roadmap"
local permission = a.permission or "projects:write"

local resource = workos.authorization_resources_by_external_id_get_by_external_id{
  organization_id = org_id, resource_type_slug = resource_type, external_id = external_id,
}

local members = workos.list_all(
  "authorization_resources_by_external_id_list_organization_memberships_for_resource_by_external_id",
  {organization_id = org_id, resource_type_slug = resource_type, external_id = external_id,
   permission_slug = permission, limit = 100})

-- Fetch every member's organization role and resource role assignments at once.
local calls = {}
for i, m in ipairs(members) do
  calls[2 * i - 1] = {"userland_user_organization_memberships_get", {id = m.id}}
  calls[2 * i] = {"authorization_role_assignments_list_role_assignments", {organization_membership_id = m.id, limit = 100}}
end
local results = workos.batch(calls)

local access = {}
for i, m in ipairs(members) do
  local why = {}
  local membership, r = results[2 * i - 1], results[2 * i]
  if membership.ok and membership.value.role then
    why[#why + 1] = "organization role " .. membership.value.role.slug
  end
  if r.ok then
    for _, asg in ipairs(r.value.data) do
      local on = asg.resource and (asg.resource.external_id or asg.resource.id) or "organization"
      why[#why + 1] = "role " .. asg.role.slug .. " on " .. on
    end
  else
    why[#why + 1] = "could not read role assignments: " .. tostring(r.error)
  end
  access[#access + 1] = {
    membership_id = m.id,
    user = m.user and m.user.email or m.user_id,
    because = why,
  }
end
table.sort(access, function(x, y) return x.user < y.user end)

return {
  resource = {id = resource.id, name = resource.name, type = resource_type, external_id = external_id},
  permission = permission,
  count = #access,
  access = access,
}
