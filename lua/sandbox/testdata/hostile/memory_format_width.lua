-- expect: error
-- widths are capped at two digits, as in Lua 5.1
return string.format("%099999999d", 1)
