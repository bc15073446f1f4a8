-- KosmoKrator's namespace: app.integrations.workos.fn and .default.fn, table and positional forms.
local a = app.integrations.workos.organizations_list({limit = 2})
local b = app.integrations.workos.default.organizations_list({limit = 2})
local org = app.integrations.workos.organizations_find("org_01HACME00000000000000000AC")
return {same = #a.data == #b.data, name = org.name, same_module = app.integrations.workos == workos}
