-- Revoke pending invitations older than N days. Run it with --dry-run first:
-- reads are sent, the revocations are recorded instead of sent.
--
--   kosmo-lua run --emulate --dry-run examples/cleanup_stale_invitations.lua --args '{"older_than_days":30}'
local a = args or {}
local days = a.older_than_days or 30
local cutoff = os.time() - days * 24 * 3600

-- "2026-11-27T14:00:00.000Z" -> seconds since the epoch (UTC).
local function epoch(ts)
  local y, mo, d, h, mi, s = ts:match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)")
  local t = os.time{year = tonumber(y), month = tonumber(mo), day = tonumber(d), hour = tonumber(h), min = tonumber(mi), sec = tonumber(s)}
  -- os.time reads the table as local time; correct by the local UTC offset.
  local now = os.time()
  return t + os.difftime(now, os.time(os.date("!*t", now)))
end

local stale = {}
for inv in workos.paginate("userland_user_invites_list", {organization_id = a.organization_id, limit = 100}) do
  if inv.state == "pending" and epoch(inv.created_at) <= cutoff then
    stale[#stale + 1] = inv
  end
end

local calls = {}
for i, inv in ipairs(stale) do calls[i] = {"userland_user_invites_revoke", {id = inv.id}} end
local results = workos.batch(calls)

local revoked, failed = json.array({}), json.array({})
for i, r in ipairs(results) do
  if r.ok then
    revoked[#revoked + 1] = stale[i].email
  else
    failed[#failed + 1] = {email = stale[i].email, error = r.error.message}
  end
end
table.sort(revoked)
return {older_than_days = days, stale = #stale, revoked = revoked, failed = failed}
