-- regex.match with PCRE delimiters and flags; captures at [2], [3], ...
local m = regex.match("ACME-42", "/^acme-(\\d+)$/i")
local none = regex.match("ACME-42", "/^acme-(\\d+)$/")
local dated = regex.match("invoice 2026-12-01", "/(?<year>\\d{4})-(?<month>\\d\\d)-(\\d\\d)/")
local multi = regex.match("first\nsecond line", "/^second (\\w+)$/m")
return {
  whole = m[1], number = m[2], case_sensitive_miss = none == nil,
  year = dated.year, month = dated.month, day = dated[4],
  multiline = multi[2],
}
