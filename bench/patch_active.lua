-- wrk script: PATCH `replace active` the way Okta deactivates and
-- reactivates, cycling over the first 1000 seeded bench users (so concurrent
-- requests rarely hit the same user and measure the write, not conflicts).
--   wrk -s bench/patch_active.lua http://…/scim/v2
-- With `-- get-first`, each PATCH follows a GET of the same user, both sent
-- together on one connection (so to one nginx worker): what Okta and Entra
-- do. wrk then counts both, GETs and PATCHes, as requests.
local counter = 0
local base, headers, get_headers
local get_first = false

function init(args)
  base = wrk.path:gsub("/$", "") .. "/Users/"
  get_first = args[1] == "get-first"
  -- A header table replaces wrk's own (-H), so carry those over.
  headers = {["Content-Type"] = "application/scim+json"}
  get_headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
    get_headers[name] = value
  end
end

request = function()
  counter = counter + 1
  local n = counter % 1000 + 1
  local id = string.format("b0000000-0000-4000-8000-%012d", n)
  local active = (math.floor(counter / 1000) % 2) == 1
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
    '"Operations":[{"op":"replace","value":{"active":' .. tostring(active) .. '}}]}'
  local patch = wrk.format("PATCH", base .. id, headers, body)
  if not get_first then return patch end
  return wrk.format("GET", base .. id, get_headers) .. patch
end
