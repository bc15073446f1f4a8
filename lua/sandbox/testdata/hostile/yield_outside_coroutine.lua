-- expect: error
-- yield from the main chunk is an ordinary error
coroutine.yield(1)
