-- expect: output_limit
while true do print("spam", 1, 2, 3) end
