-- "qa" is not in the accounts file: refused before any call.
return app.integrations.workos.qa.organizations_list({limit = 1})
