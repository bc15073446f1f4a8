-- Rotate an organization's API keys: create a fresh key, then delete every
-- older one. The new secret is returned only when args.reveal is true, so it
-- does not land in logs by accident. Try it first with --dry-run.
--
--   kosmo-lua run --emulate examples/rotate_org_api_keys.lua --args '{"organization_id":"org_01HGL0BEX000000000000000GX"}'
local a = args or {}
local org_id = a.organization_id or "org_01HACME00000000000000000AC"
local name = a.name or ("rotated " .. os.date("!%Y-%m-%d"))

local old = workos.list_all("organization_api_keys_list", {organization_id = org_id, limit = 100})
local new = workos.organization_api_keys_create{organization_id = org_id, name = name}

local deleted = {}
for _, key in ipairs(old) do
  if key.id ~= new.id then
    workos.api_keys_delete{id = key.id}
    deleted[#deleted + 1] = key.obfuscated_value or key.id
  end
end

return {
  organization_id = org_id,
  new_key = {id = new.id, name = new.name, obfuscated_value = new.obfuscated_value, value = a.reveal and new.value or nil},
  deleted = json.array(deleted),
}
