-- docs.* serve the same pages as the MCP docs tools.
local index = docs.list()
local hits = docs.search("list organizations", 3)
local page = docs.read("organizations_list")
local missing = docs.read("no_such_page")
return {
  index_title = index:match("^# workos: %d+ functions") ~= nil,
  first_hit = hits:match("%- (workos%.[%w_]+)"),
  page_title = page:match("^[^\n]+"),
  guide = docs.read("errors"):match("^# [^\n]+"),
  missing = missing:match("^Page \"no_such_page\" not found") ~= nil,
}
