-- RE2 has no back-references or look-around: the error names the feature.
local ok1, e1 = pcall(regex.match, "aa", "/(a)\\1/")
local ok2, e2 = pcall(regex.match, "ab", "/a(?=b)/")
local ok3, e3 = pcall(regex.match, "abc", "abc")
return {
  ok = ok1 or ok2 or ok3,
  backref = e1:match("a back%-reference") ~= nil,
  lookahead = e2:match("a look%-ahead") ~= nil,
  delimiters = e3:match("needs PCRE delimiters") ~= nil,
}
