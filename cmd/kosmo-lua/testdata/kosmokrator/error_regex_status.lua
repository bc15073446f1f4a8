-- regex works on error values too: pull the HTTP status out of the message.
local ok, err = pcall(workos.userland_users_get_0, {id = "user_missing"})
local m = regex.match(err, "/^workos: (\\d{3}) (\\w+)/")
return {ok = ok, status = tonumber(m[2]), code = m[3]}
