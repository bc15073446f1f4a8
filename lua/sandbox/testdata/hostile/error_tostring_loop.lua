-- expect: error
-- an error object whose __tostring never returns does not hang the host
error(setmetatable({}, {__tostring = function() while true do end end}))
