-- KosmoKrator raises errors as strings: match the status in the message.
local ok, err = pcall(app.integrations.workos.organizations_find, {id = "org_missing"})
if not ok then
  return {
    ok = ok,
    method_match = err:match("404"),
    string_match = string.match(err, "(%d%d%d)"),
    not_found = err:find("not found", 1, true) ~= nil,
  }
end
return "unexpected success"
