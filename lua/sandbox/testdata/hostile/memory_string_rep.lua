-- expect: memory_limit
return #string.rep("x", 2^31)
