-- expect: completed
-- scan every reachable table for secrets; there are none to find
local found, seen = {}, {}
local function scan(t, depth)
  if seen[t] or depth > 4 then return end
  seen[t] = true
  for k, v in pairs(t) do
    if type(v) == "string" and (v:find("sk_") or v:lower():find("key")) then found[#found+1] = tostring(k) end
    if type(v) == "table" then scan(v, depth + 1) end
  end
end
scan(_G, 0)
scan(package.loaded, 0)
return #found
