-- wrk script: POST a new user per request, with a userName unique across
-- threads and runs.
local counter = 0
local run = tostring(os.time()) .. tostring(math.random(1000000))

function setup(thread)
  thread:set("tid", tostring(math.random(1000000000)))
end

request = function()
  counter = counter + 1
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],' ..
    '"userName":"bench-' .. run .. '-' .. tid .. '-' .. counter .. '@example.com",' ..
    '"name":{"givenName":"Bench","familyName":"User"},"active":true,' ..
    '"emails":[{"value":"bench@example.com","type":"work","primary":true}]}'
  return wrk.format("POST", nil, nil, body)
end
