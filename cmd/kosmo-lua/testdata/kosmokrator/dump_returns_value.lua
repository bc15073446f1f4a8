-- dump(v) writes v to the output and returns it, so it can wrap a call.
local org = workos.organizations_find({id = "org_01HACME00000000000000000AC"})
local summary = dump({name = org.name, external_id = org.external_id, metadata = org.metadata})
local n = dump(#workos.organizations_list({limit = 2}).data)
return {summary = summary, listed = n}
