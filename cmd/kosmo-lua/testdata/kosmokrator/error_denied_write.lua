-- flags: --write deny
-- A write under a read-only policy fails like any other error string.
local ok, err = pcall(workos.organizations_create, {body = {name = "Nope Inc"}})
return {ok = ok, denied = err:match("^denied") ~= nil, read_only = string.find(err, "read-only", 1, true) ~= nil}
