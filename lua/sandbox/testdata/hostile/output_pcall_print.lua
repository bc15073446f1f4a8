-- expect: output_limit
while true do pcall(print, string.rep("y", 1000)) end
