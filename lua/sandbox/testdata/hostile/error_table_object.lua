-- expect: error
error({status = 500, code = "boom"})
