-- expect: error
os.exit(0)
