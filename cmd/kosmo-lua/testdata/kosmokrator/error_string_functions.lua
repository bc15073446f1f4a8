-- Every string function treats an error as its message.
local ok, err = pcall(workos.organizations_find, {id = "org_missing"})
assert(not ok)
local msg = tostring(err)
return {
  same_len = string.len(err) == #msg and #err == #msg,
  lower = string.lower(err) == msg:lower(),
  prefix = string.sub(err, 1, 11),
  digits = (select(2, string.gsub(err, "%d", ""))) > 0,
  formatted = string.format("error: %s", err) == "error: " .. msg,
  concat = ("failed: " .. err):sub(1, 15),
  words = (function() local n = 0 for _ in string.gmatch(err, "%a+") do n = n + 1 end return n > 3 end)(),
}
