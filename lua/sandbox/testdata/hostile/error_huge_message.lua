-- expect: memory_limit
error(string.rep("e", 2^40))
