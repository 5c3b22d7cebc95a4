-- wrk script: what Okta and Entra do, a GET of a user and then a PATCH
-- `replace active` of it, sent together on one connection (so on one
-- nginx worker) and cycling over the first 1000 seeded bench users. wrk
-- counts both: req/s and the CPU per request are per GET or PATCH.
--   wrk -s bench/get_patch_active.lua http://…/scim/v2
local counter = 0
local base, get_headers, patch_headers

function init(args)
  base = wrk.path:gsub("/$", "") .. "/Users/"
  get_headers, patch_headers = {}, {["Content-Type"] = "application/scim+json"}
  for name, value in pairs(wrk.headers) do
    get_headers[name] = value
    patch_headers[name] = value
  end
end

request = function()
  counter = counter + 1
  local n = counter % 1000 + 1
  local id = string.format("b0000000-0000-4000-8000-%012d", n)
  local active = (math.floor(counter / 1000) % 2) == 1
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
    '"Operations":[{"op":"replace","value":{"active":' .. tostring(active) .. '}}]}'
  return wrk.format("GET", base .. id, get_headers) ..
    wrk.format("PATCH", base .. id, patch_headers, body)
end
