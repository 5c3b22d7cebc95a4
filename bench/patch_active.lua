-- wrk script: PATCH `replace active` the way Okta deactivates and
-- reactivates, cycling over the first 1000 seeded bench users (so concurrent
-- requests rarely hit the same user and measure the write, not conflicts).
--   wrk -s bench/patch_active.lua http://…/scim/v2
local counter = 0
local base, headers

function init(args)
  base = wrk.path:gsub("/$", "") .. "/Users/"
  -- A header table replaces wrk's own (-H), so carry those over.
  headers = {["Content-Type"] = "application/scim+json"}
  for name, value in pairs(wrk.headers) do headers[name] = value end
end

request = function()
  counter = counter + 1
  local n = counter % 1000 + 1
  local id = string.format("b0000000-0000-4000-8000-%012d", n)
  local active = (math.floor(counter / 1000) % 2) == 1
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
    '"Operations":[{"op":"replace","value":{"active":' .. tostring(active) .. '}}]}'
  return wrk.format("PATCH", base .. id, headers, body)
end
