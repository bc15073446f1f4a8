-- Export one month of an organization's audit logs and wait (briefly) for the
-- export to be ready. Returns the download URL, valid for 10 minutes.
--
--   kosmo-lua run --emulate examples/export_audit_logs.lua --args '{"month":"2026-10"}'
local a = args or {}
local org_id = a.organization_id or "org_01HACME00000000000000000AC"
local month = a.month or os.date("!%Y-%m", os.time() - 20 * 24 * 3600)

local year, mon = month:match("^(%d%d%d%d)%-(%d%d)$")
if not year then error("month must look like 2026-10, got " .. tostring(month)) end
year, mon = tonumber(year), tonumber(mon)
local next_year, next_mon = year, mon + 1
if next_mon == 13 then next_year, next_mon = year + 1, 1 end
local range_start = string.format("%04d-%02d-01T00:00:00.000Z", year, mon)
local range_end = string.format("%04d-%02d-01T00:00:00.000Z", next_year, next_mon)

local export = workos.audit_log_exports_exports{
  organization_id = org_id, range_start = range_start, range_end = range_end, actions = a.actions,
}
-- Exports are asynchronous: poll a few times (each poll is one API call).
local polls = 0
while export.state == "pending" and polls < (a.max_polls or 10) do
  polls = polls + 1
  export = workos.audit_log_exports_export{audit_log_export_id = export.id}
end

return {id = export.id, state = export.state, url = export.url, range = {range_start, range_end}, polls = polls}
