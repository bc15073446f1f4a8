-- expect: completed
math.randomseed(12345)
return math.random(1, 10) >= 1
