-- The claim guard (scim_claim_guard). `claimed_key` is the tenant's set of
-- lowercased userNames and emails of accounts the tenant does not manage,
-- '' when the guard is off. A write may not give the user one of them
-- unless the user already holds it: a deprovisioning PUT must never fail
-- because the app claimed an identifier after the user was created.
local CLAIMABLE = {[0] = 'userName', [2] = 'email'}
-- `list` are the decoded index entries the write stores (userName and
-- emails are lowercased there), `held` the members the user already has
-- (member → true). Returns {'claimed', attribute, value} or nil.
local function claimed_among(claimed_key, list, held, id)
  for _, e in ipairs(list) do
    local attribute = CLAIMABLE[e[1]]
    if attribute and not held[e[2]] then
      local value = string.sub(e[2], 1, #e[2] - #id - 1)  -- strip '\0<id>'
      if redis.call('SISMEMBER', claimed_key, value) == 1 then
        return {'claimed', attribute, value}
      end
    end
  end
  return nil
end
