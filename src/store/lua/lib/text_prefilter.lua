-- The scan's text test, the same rules as filter::mayMatch
-- (src/filter_prefilter.cpp): a record is dropped only when its document
-- holds no backslash and, for one required text, no member of that name
-- (at any depth, in any case) has a value that is not a string or is a
-- string holding the text (ASCII case-insensitively unless caseExact).
-- string.lower folds A-Z only: Redis leaves LC_CTYPE at "C".
-- ARGV[first] is the number of texts, then (quoted folded name, text,
-- '1' when caseExact) for each. Returns the texts and the next ARGV index.
local function requiredTexts(first)
  local texts, count = {}, tonumber(ARGV[first]) or 0
  for i = 0, count - 1 do
    local at = first + 1 + 3 * i
    texts[i + 1] = {name = ARGV[at], text = ARGV[at + 1], exact = ARGV[at + 2] == '1'}
  end
  return texts, first + 1 + 3 * count
end
local find, lower = string.find, string.lower
-- Whether some member named t.name (found in `folded`) has a value that is
-- not a string, or a string holding t.text. One anchored match per name
-- found reads the `:` and the value's first byte (C calls dominate here).
local function someValueMayHold(doc, folded, t)
  local name, text = t.name, t.text
  local hay, after = t.exact and doc or folded, #name
  local at = find(folded, name, 1, true)
  while at do
    local _, e, first = find(doc, '^[ \t\n\r]*:[ \t\n\r]*(.?)', at + after)
    if e then
      if first ~= '"' then return true end  -- not a string
      local close = find(doc, '"', e + 1, true)
      if not close then return true end
      -- The text has no '"': a match that starts inside the value ends there.
      local s = find(hay, text, e + 1, true)
      if s and s < close then return true end
    end
    at = find(folded, name, at + 1, true)
  end
  return false
end
local function mayMatch(doc, texts)
  if #texts == 0 or find(doc, '\\', 1, true) then return true end
  local folded = lower(doc)
  for i = 1, #texts do
    if not someValueMayHold(doc, folded, texts[i]) then return false end
  end
  return true
end
