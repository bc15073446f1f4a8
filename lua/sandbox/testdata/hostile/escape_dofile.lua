-- expect: error
return dofile("/etc/passwd")
