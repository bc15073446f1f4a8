-- Onboard a customer: an organization with a verified domain, an admin
-- invitation and a custom billing role. Safe to re-run: an organization that
-- already owns the domain is reused and a pending invitation is not sent twice.
--
--   kosmo-lua run --emulate examples/onboard_organization.lua \
--     --args '{"name":"Umbrella Corp","domain":"umbrella.example","admin_email":"ada@umbrella.example"}'
local a = args or {}
local name = a.name or "Umbrella Corp"
local domain = a.domain or "umbrella.example"
local admin_email = a.admin_email or ("admin@" .. domain)

local found = workos.organizations_list{domains = {domain}, limit = 1}
local org, created = found.data[1], false
if not org then
  org = workos.organizations_create{
    name = name,
    external_id = a.external_id,
    domain_data = {{domain = domain, state = "verified"}},
  }
  created = true
end

-- One pending invitation per admin.
local pending = workos.userland_user_invites_list{organization_id = org.id, email = admin_email}
local invite
for _, inv in ipairs(pending.data) do
  if inv.state == "pending" then invite = inv end
end
if not invite then
  invite = workos.userland_user_invites_create{
    email = admin_email, organization_id = org.id, role_slug = "admin", expires_in_days = 14,
  }
end

-- A custom role for the customer's finance team.
local role_slug = "billing-admin"
local ok, role = pcall(workos.authorization_organization_roles_create, {
  organization_id = org.id, slug = role_slug, name = "Billing admin",
  description = "Manages invoices and payment methods",
})
if not ok then
  if role.status ~= 409 then error(role) end   -- 409: the role exists already
  role = workos.authorization_organization_roles_get{organization_id = org.id, slug = role_slug}
end
workos.authorization_organization_role_permissions_set_permissions{
  organization_id = org.id, slug = role_slug, permissions = {"billing:manage", "users:read"},
}

return {
  organization = {id = org.id, name = org.name, created = created},
  domains = (function()
    local d = {}
    for _, dom in ipairs(org.domains or {}) do d[#d + 1] = dom.domain .. " (" .. dom.state .. ")" end
    return d
  end)(),
  invitation = {id = invite.id, email = invite.email, state = invite.state, expires_at = invite.expires_at},
  role = role_slug,
}
