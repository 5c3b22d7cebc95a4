-- wrk script: POST /Bulk with BULK_SIZE (default 100) user creates per
-- request, userNames unique across threads and runs.
local size = tonumber(os.getenv("BULK_SIZE") or "100")
local counter = 0
local run = tostring(os.time()) .. tostring(math.random(1000000))

function setup(thread)
  thread:set("tid", tostring(math.random(1000000000)))
end

request = function()
  counter = counter + 1
  local ops = {}
  for i = 1, size do
    local name = 'bulk-' .. run .. '-' .. tid .. '-' .. counter .. '-' .. i .. '@example.com'
    ops[i] = '{"method":"POST","bulkId":"b' .. i .. '","path":"/Users","data":' ..
      '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name .. '",' ..
      '"name":{"givenName":"Bench","familyName":"User"},"active":true,' ..
      '"emails":[{"value":"bench@example.com","type":"work","primary":true}]}}'
  end
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],' ..
    '"Operations":[' .. table.concat(ops, ",") .. ']}'
  return wrk.format("POST", wrk.path, nil, body)
end
