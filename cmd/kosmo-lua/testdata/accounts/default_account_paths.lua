-- workos.fn, workos.default.fn and workos.<default account>.fn are one account.
local a = #workos.organizations_list({limit = 100}).data
local b = #app.integrations.workos.default.organizations_list({limit = 100}).data
local c = #workos.staging.organizations_list({limit = 100}).data
return {a, b, c}
