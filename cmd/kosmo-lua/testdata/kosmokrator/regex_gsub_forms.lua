-- regex.gsub with a $1 template, a \1 template, a function, a table and a limit.
local s = "acme-1 globex-22 initech-333"
local swapped = regex.gsub(s, "/(\\w+)-(\\d+)/", "$2:$1")
local braced = regex.gsub(s, "/(\\w+)-\\d+/", "\\1!")
local upper = regex.gsub(s, "/[a-z]+/", function(m) return m[1]:upper() end)
local names = regex.gsub("$who works at $org", "/\\$(\\w+)/", {who = "Erin", org = "Acme"})
local first, n = regex.gsub(s, "/\\d+/", "#", 2)
return {swapped = swapped, braced = braced, upper = upper, names = names, first = first, n = n}
