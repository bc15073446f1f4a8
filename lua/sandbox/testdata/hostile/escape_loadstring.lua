-- expect: error
return loadstring("return io")()
