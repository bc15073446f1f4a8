-- expect: error
return string.find(string.rep("x", 500), string.rep("x?", 500))
