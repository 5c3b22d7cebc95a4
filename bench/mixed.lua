-- wrk script for make bench-rss (bench/run-rss): a mix of SCIM requests in
-- fixed proportions, the way an identity provider's sync looks: every 20
-- requests are 7 GET /Users/{id}, 5 filter userName eq, 3 PATCH replace
-- active, 2 POST /Users, 2 DELETE of a user this thread POSTed (a GET when
-- none is left yet), 1 page of 100. GET, filter, PATCH and page pick a
-- seeded user (bench/seed-users 1..MIX_USERS) at random; what is POSTed is
-- DELETEd again, so the store stays the same size.
--   MIX_USERS=5000 MIX_REQUESTS=10000000 MIX_THREADS=2 \
--     wrk -t2 -c64 -d3h -s bench/mixed.lua http://…/scim/v2
-- Each thread stops after MIX_REQUESTS / MIX_THREADS responses (and leaves
-- a file in MIX_DONE_DIR, if set: wrk itself waits for its -d); done()
-- prints the requests per kind and the responses per status class.
local users = tonumber(os.getenv("MIX_USERS") or "5000")
local limit = math.ceil(tonumber(os.getenv("MIX_REQUESTS") or "1000000") /
  tonumber(os.getenv("MIX_THREADS") or "1"))
local plan = {"get", "filter", "get", "patch", "filter", "get", "post", "get", "filter", "patch",
              "get", "delete", "filter", "get", "patch", "post", "get", "filter", "page", "delete"}
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

local base, json, run
local created, first, last = {}, 1, 0   -- ids POSTed and not yet DELETEd (a FIFO)
local counter, responses = 0, 0
-- Counters read by done(): plain numbers, which wrk copies out of a thread.
n_get, n_filter, n_patch, n_post, n_delete, n_page = 0, 0, 0, 0, 0, 0
s2, s4, s5 = 0, 0, 0

function init(args)
  base = wrk.path:gsub("/$", "")
  -- A header table replaces wrk's own (-H), so carry those over.
  json = {["Content-Type"] = "application/scim+json"}
  for name, value in pairs(wrk.headers) do json[name] = value end
  math.randomseed(os.time() * 100 + tid)
  run = tostring(os.time()) .. "-" .. tostring(math.random(1000000)) .. "-" .. tid
end

local function seeded() return string.format("b0000000-0000-4000-8000-%012d", math.random(users)) end

local function post()
  n_post = n_post + 1
  local name = "mix-" .. run .. "-" .. counter .. "@example.com"
  return wrk.format("POST", base .. "/Users", json,
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. name ..
    '","name":{"givenName":"Mix","familyName":"User"},"active":true,' ..
    '"emails":[{"value":"' .. name .. '","type":"work","primary":true}]}')
end

local function get()
  n_get = n_get + 1
  return wrk.format("GET", base .. "/Users/" .. seeded())
end

local kinds = {
  get = get,
  filter = function()
    n_filter = n_filter + 1
    return wrk.format("GET", base .. "/Users?filter=userName%20eq%20%22bench-user-" ..
      math.random(users) .. "%40example.com%22")
  end,
  patch = function()
    n_patch = n_patch + 1
    return wrk.format("PATCH", base .. "/Users/" .. seeded(), json,
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
      '"Operations":[{"op":"replace","value":{"active":' .. tostring(math.random(2) == 1) .. '}}]}')
  end,
  post = post,
  delete = function()
    if first > last then return get() end
    local id = created[first]
    created[first] = nil
    first = first + 1
    n_delete = n_delete + 1
    return wrk.format("DELETE", base .. "/Users/" .. id)
  end,
  page = function()
    n_page = n_page + 1
    return wrk.format("GET", base .. "/Users?startIndex=" .. math.random(math.max(users - 99, 1)) ..
      "&count=100")
  end,
}

request = function()
  counter = counter + 1
  return kinds[plan[(counter - 1) % #plan + 1]]()
end

response = function(status, headers, body)
  if status < 300 then s2 = s2 + 1 elseif status < 500 then s4 = s4 + 1 else s5 = s5 + 1 end
  if status == 201 then
    local id = body:match('"id":"([^"]+)"')
    if id then last = last + 1; created[last] = id end
  end
  responses = responses + 1
  if responses == limit then
    local done = os.getenv("MIX_DONE_DIR")
    if done then io.open(done .. "/thread-" .. tid, "w"):close() end
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local t = {n_get = 0, n_filter = 0, n_patch = 0, n_post = 0, n_delete = 0, n_page = 0,
             s2 = 0, s4 = 0, s5 = 0}
  for _, thread in ipairs(threads) do
    for name in pairs(t) do t[name] = t[name] + (thread:get(name) or 0) end
  end
  io.write(string.format("mix: GET %d, filter %d, PATCH %d, POST %d, DELETE %d, page %d; " ..
    "2xx %d, 4xx %d, 5xx %d\n", t.n_get, t.n_filter, t.n_patch, t.n_post, t.n_delete, t.n_page,
    t.s2, t.s4, t.s5))
end
