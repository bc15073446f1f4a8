---@meta
-- kosmo-lua test: definitions for the workos and json modules (generated; do not edit).

---@class json
---@field null any The JSON null sentinel: send it to clear a field.
json = {}
---Encode a Lua value as JSON (object keys sorted; integral numbers as integers).
---@param value any
---@param opts? {indent?: string}
---@return string
function json.encode(value, opts) end
---Decode JSON; arrays stay arrays, null becomes nil.
---@param text string
---@return any
function json.decode(text) end
---Mark a table to encode as a JSON array (an empty table already encodes as []).
---@generic T: table
---@param t T
---@return T
function json.array(t) end
---Mark a table to encode as a JSON object, even when empty.
---@generic T: table
---@param t T
---@return T
function json.object(t) end

---@class workos.Error
---@field kind string api_error | network_error | validation_error | denied | ...
---@field status? integer HTTP status of an API error
---@field code? string WorkOS error code
---@field message string
---@field request_id? string
---@field function string
---@field line? integer

---@class workos.BatchResult
---@field ok boolean
---@field value? any
---@field error? workos.Error

---A named account's functions: workos.<account>.organizations_list(...).
---@class workos
---@field [string] workos
workos = {}

---Iterate over the items of every page of a paginated list function.
---@param name string
---@param args? table
---@param opts? {max_items?: integer, max_pages?: integer}
---@return fun(): any
---@overload fun(name: "organizations_list", args?: workos.organizations_list.args, opts?: {max_items?: integer, max_pages?: integer}): fun(): workos.Organization
function workos.paginate(name, args, opts) end
---Collect every item of a paginated list function into one array; the second result is the cursor to resume from (nil when exhausted).
---@param name string
---@param args? table
---@param opts? {max_items?: integer, max_pages?: integer}
---@return any[], string?
---@overload fun(name: "organizations_list", args?: workos.organizations_list.args, opts?: {max_items?: integer, max_pages?: integer}): workos.Organization[], string?
function workos.list_all(name, args, opts) end
---Run independent calls concurrently; results come back in order as {ok, value} or {ok, error}.
---@param calls {[1]: string, [2]: table}[]
---@param opts? {concurrency?: integer}
---@return workos.BatchResult[]
function workos.batch(calls, opts) end
---Call a function by name: workos.call(name, args) is workos[name](args).
---@param name string
---@param args? table
---@return table
function workos.call(name, args) end
---A function's documentation as a table.
---@param name string
---@return table
function workos.describe(name) end
---Function names, optionally filtered by a substring or {access=, query=}.
---@param filter? string|table
---@return string[]
function workos.functions(filter) end

---The result of a call whose response has no body.
---@class workos.EmptyResult
---@field success boolean
---@field status integer HTTP status, e.g. 204

---Pagination cursors for navigating between pages of results.
---@class workos.ListMetadata
---@field after string|nil An object ID that defines your place in the list. When the ID is not present, you are at the end of the list.
---@field before string|nil An object ID that defines your place in the list. When the ID is not present, you are at the start of the list.

---@class workos.Organization
---@field allow_profiles_outside_organization? boolean Whether the Organization allows profiles outside of its managed domains.
---@field created_at string An ISO 8601 timestamp.
---@field domains workos.Organization.domains[] List of Organization Domains.
---@field external_id string|nil The external ID of the Organization.
---@field id string Unique identifier of the Organization.
---@field metadata table<string, string> Object containing [metadata](/authkit/metadata) key/value pairs associated with the Organization.
---@field name string A descriptive name for the Organization. This field does not need to be unique.
---@field object "organization" Distinguishes the Organization object.
---@field stripe_customer_id? string The Stripe customer ID of the Organization.
---@field updated_at string An ISO 8601 timestamp.

---@class workos.Organization.domains
---@field created_at string An ISO 8601 timestamp.
---@field domain string Domain for the organization domain.
---@field id string Unique identifier of the organization domain.
---@field object "organization_domain" Distinguishes the organization domain object.
---@field organization_id string ID of the parent Organization.
---@field state? "failed"|"legacy_verified"|"pending"|"unverified"|"verified" Verification state of the domain.
---@field updated_at string An ISO 8601 timestamp.
---@field verification_prefix? string The prefix used in DNS verification.
---@field verification_strategy? "dns"|"manual" Strategy used to verify the domain.
---@field verification_token? string Validation token to be used in DNS TXT record.

---@class workos.OrganizationList
---@field data workos.Organization[] The list of records for the current page.
---@field list_metadata workos.ListMetadata Pagination cursors for navigating between pages of results.
---@field object "list" Indicates this is a list response.

---@class workos.organizations_create.args.domain_data
---@field domain string The domain value.
---@field state "pending"|"verified" The verification state of the domain.

---@class workos.organizations_create.args
---@field name string The name of the organization.
---@field allow_profiles_outside_organization? boolean Whether the organization allows profiles from outside the organization to sign in.
---@field domain_data? workos.organizations_create.args.domain_data[] The domains associated with the organization, including verification state.
---@field domains? string[] The domains associated with the organization. Deprecated in favor of `domain_data`.
---@field external_id? string|nil An external identifier for the Organization.
---@field metadata? table<string, string>|nil Object containing [metadata](/authkit/metadata) key/value pairs associated with the Organization.
---@field body? table The body fields, KosmoKrator style (alternative to top-level keys)

---Create an Organization
---
---`POST /organizations` · access: write
---
---Creates a new organization in the current environment.
---@param args workos.organizations_create.args
---@return workos.Organization
function workos.organizations_create(args) end
workos.workos_organizations_create = workos.organizations_create

---@class workos.organizations_delete_organization.args
---@field id string Unique identifier of the Organization.

---Delete an Organization
---
---`DELETE /organizations/{id}` · access: destructive
---
---Permanently deletes an organization in the current environment. It cannot be undone.
---@param args workos.organizations_delete_organization.args
---@return workos.EmptyResult
function workos.organizations_delete_organization(args) end
workos.workos_organizations_delete_organization = workos.organizations_delete_organization

---@class workos.organizations_find.args
---@field id string Unique identifier of the Organization.

---Get an Organization
---
---`GET /organizations/{id}` · access: read
---
---Get the details of an existing organization.
---@param args workos.organizations_find.args
---@return workos.Organization
function workos.organizations_find(args) end
workos.workos_organizations_find = workos.organizations_find

---@class workos.organizations_list.args
---@field before? string An object ID that defines your place in the list. When the ID is not present, you are at the end of the list. For example, if you make a list request and receive 100 objects, ending with `"obj_123"`, your subsequent call can include `before="obj_123"` to fetch a new batch of objects before `"obj_...
---@field after? string An object ID that defines your place in the list. When the ID is not present, you are at the end of the list. For example, if you make a list request and receive 100 objects, ending with `"obj_123"`, your subsequent call can include `after="obj_123"` to fetch a new batch of objects after `"obj_12...
---@field limit? integer Upper limit on the number of objects to return, between `1` and `100`.
---@field order? "normal"|"desc"|"asc" Order the results by the creation time. Supported values are `"asc"` (ascending), `"desc"` (descending), and `"normal"` (descending with reversed cursor semantics where `before` fetches older records and `after` fetches newer records).
---@field domains? string[] The domains of an Organization. Any Organization with a matching domain will be returned.
---@field search? string Searchable text for an Organization. Matches against the organization name.

---List Organizations
---
---`GET /organizations` · access: read
---
---Get a list of all of your existing organizations matching the criteria specified.
---@param args workos.organizations_list.args?
---@return workos.OrganizationList
function workos.organizations_list(args) end
workos.workos_organizations_list = workos.organizations_list

