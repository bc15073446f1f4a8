-- expect: error
-- os.date formats are bounded (each directive expands)
return #os.date(string.rep("%c", 1e6))
