-- expect: error
return os.getenv("WORKOS_API_KEY")
