-- expect: error
return getfenv(0)
