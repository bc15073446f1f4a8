-- expect: error
return require("io")
