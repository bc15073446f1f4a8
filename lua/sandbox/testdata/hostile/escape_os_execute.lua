-- expect: error
return os.execute("cat /etc/passwd")
