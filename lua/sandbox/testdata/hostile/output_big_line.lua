-- expect: output_limit
print(string.rep("x", 10e6))
