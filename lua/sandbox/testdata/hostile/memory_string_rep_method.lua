-- expect: memory_limit
return #("xy"):rep(1e12)
