-- print joins with tabs and shows tables as JSON; json.encode round-trips.
local user = workos.userland_users_list_0({limit = 1}).data[1]
print("user", {email = user.email})
local text = json.encode({email = user.email, tags = json.array()})
local back = json.decode(text)
return {text_has_email = text:find(user.email, 1, true) ~= nil, back = back.email == user.email}
