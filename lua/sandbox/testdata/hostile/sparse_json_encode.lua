-- expect: completed
-- a table whose array part once held index 5e5: gopher-lua scans 500k empty
-- slots to find its length, once per reference without the encoder's memo
local b = {} b[5e5] = true b[5e5] = nil
local r = {} for i = 1, 2000 do r[i] = b end
assert(#json.encode(r) == 2 + 2000 * 2 + 1999)
return "ok"
