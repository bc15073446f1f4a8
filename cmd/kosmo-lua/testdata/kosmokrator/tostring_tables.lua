-- tostring shows a table's contents (keys in a fixed order); __tostring wins.
local summary = {name = "Acme", domains = {"acme.com", "acme.io"}, active = true, seats = 5}
local money = setmetatable({cents = 1250}, {__tostring = function(m) return string.format("$%.2f", m.cents / 100) end})
print(tostring(summary))
print("price: " .. tostring(money))
local cyclic = {} cyclic.self = cyclic
return {summary = tostring(summary), money = tostring(money), empty = tostring({}), cyclic = tostring(cyclic)}
