-- regex.match_all over users' emails: PHP's pattern order, [2] is group 1.
local users = workos.userland_users_list_0({limit = 10}).data
local emails = {}
for _, u in ipairs(users) do emails[#emails + 1] = u.email end
local all, count = regex.match_all(table.concat(emails, " "), "/[\\w.+-]+@([\\w-]+)\\.\\w+/")
local domains = {}
for _, d in ipairs(all[2]) do domains[d] = (domains[d] or 0) + 1 end
return {count = count, domains = domains}
