-- expect: completed
local names = {}
for k in pairs(package.loaded) do names[#names+1] = k end
table.sort(names)
return table.concat(names, ",")
