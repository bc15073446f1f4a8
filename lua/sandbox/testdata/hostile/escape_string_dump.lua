-- expect: error
return string.dump(function() return 1 end)
