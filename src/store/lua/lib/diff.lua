-- changed_attributes(): the events' `changed` list, from two documents.
-- Deep equality of decoded JSON. Encoded strings cannot be compared:
-- cjson writes an object's keys in table order, which equal tables need
-- not share.
local function same(a, b)
  if type(a) ~= 'table' or type(b) ~= 'table' then return a == b end
  for k, v in pairs(a) do
    if not same(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end
-- The attributes that differ between two stored documents, named as PATCH
-- names them (an extension's attributes qualified by its URN), merged with
-- `known` (comma-separated names only the service can tell, e.g.
-- password). Sorted and comma-separated: the events' `changed`.
local function changed_attributes(old_doc, new_doc, known)
  local names, seen = {}, {}
  local function add(name)
    if not seen[name] then
      seen[name] = true
      names[#names + 1] = name
    end
  end
  for name in string.gmatch(known, '[^,]+') do add(name) end
  local function diff(a, b, prefix)
    for _, t in ipairs({a, b}) do
      for k in pairs(t) do
        local x, y = a[k], b[k]
        if not same(x, y) then
          if prefix == '' and string.sub(k, 1, 4) == 'urn:' and type(x or {}) == 'table' and
             type(y or {}) == 'table' then
            diff(x or {}, y or {}, k .. ':')
          else
            add(prefix .. k)
          end
        end
      end
    end
  end
  diff(cjson.decode(old_doc), cjson.decode(new_doc), '')
  table.sort(names)
  return table.concat(names, ',')
end
