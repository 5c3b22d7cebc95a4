-- wrk script: PATCH one member into a group, then out again, alternately:
-- each request changes the membership (an add or a remove of one member).
--   GROUP_ID=… MEMBER_ID=… wrk -s bench/patch_member.lua http://…/scim/v2
local group, member = os.getenv("GROUP_ID"), os.getenv("MEMBER_ID")
local adding = false
local path

function init(args)
  path = wrk.path:gsub("/$", "") .. "/Groups/" .. group
end

request = function()
  adding = not adding
  local op
  if adding then
    op = '{"op":"add","path":"members","value":[{"value":"' .. member .. '"}]}'
  else
    op = '{"op":"remove","path":"members[value eq \\"' .. member .. '\\"]"}'
  end
  local body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[' ..
    op .. ']}'
  return wrk.format("PATCH", path, nil, body)
end
