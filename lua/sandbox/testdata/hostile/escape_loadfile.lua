-- expect: error
return loadfile("/etc/passwd")
