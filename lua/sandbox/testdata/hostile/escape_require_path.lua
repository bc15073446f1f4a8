-- expect: error
-- package.path is read-only and empty; the disk loader is gone
pcall(function() package.path = "./?.lua;/etc/?" end)
return require("passwd")
