-- wrk script: POST a new user per request, with a userName unique across
-- threads and runs. With BULK_SIZE=n, POST /Bulk with n such creates.
local counter = 0
local run = tostring(os.time()) .. tostring(math.random(1000000))
local bulkSize = tonumber(os.getenv("BULK_SIZE") or "0")

function setup(thread)
  thread:set("tid", tostring(math.random(1000000000)))
end

local function user(suffix)
  return '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],' ..
    '"userName":"bench-' .. run .. '-' .. tid .. '-' .. suffix .. '@example.com",' ..
    '"name":{"givenName":"Bench","familyName":"User"},"active":true,' ..
    '"emails":[{"value":"bench@example.com","type":"work","primary":true}]}'
end

request = function()
  counter = counter + 1
  if bulkSize == 0 then
    return wrk.format("POST", nil, nil, user(counter))
  end
  local ops = {}
  for i = 1, bulkSize do
    ops[i] = '{"method":"POST","bulkId":"b' .. i .. '","path":"/Users","data":' ..
      user(counter .. '-' .. i) .. '}'
  end
  return wrk.format("POST", nil, nil,
    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],' ..
    '"Operations":[' .. table.concat(ops, ",") .. ']}')
end
