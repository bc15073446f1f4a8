-- expect: error
setfenv(0, {})
