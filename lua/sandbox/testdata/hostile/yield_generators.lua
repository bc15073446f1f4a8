-- expect: completed
-- ordinary coroutine use keeps working: generators in for loops, yields
-- from deep recursion, yields from functions called through __call
local function walk(t, depth)
  for _, v in ipairs(t) do
    if type(v) == "table" then walk(v, depth + 1) else coroutine.yield(v, depth) end
  end
end
local tree = {1, {2, {3, {4}}}, 5}
local out = {}
for v, d in coroutine.wrap(function() walk(tree, 0) end) do out[#out + 1] = v .. "@" .. d end
assert(table.concat(out, " ") == "1@0 2@1 3@2 4@3 5@0", table.concat(out, " "))
local n = 0
for _ in coroutine.wrap(function() for i = 1, 10000 do coroutine.yield(i) end end) do n = n + 1 end
assert(n == 10000)
return "ok"
