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
local find, byte, lower = string.find, string.byte, string.lower
-- The first index at or after i that is not JSON whitespace.
local function skipSpace(s, i)
  local c = byte(s, i)
  if c ~= 32 and c ~= 9 and c ~= 10 and c ~= 13 then return i end
  local _, e = find(s, '^[ \t\n\r]*', i)
  return e + 1
end
local function someValueMayHold(doc, folded, t)
  local name, text = t.name, t.text
  local hay = t.exact and doc or folded
  local at = find(folded, name, 1, true)
  while at do
    local i = skipSpace(doc, at + #name)
    if byte(doc, i) == 58 then  -- ':' : a member, not a string value
      i = skipSpace(doc, i + 1)
      if byte(doc, i) ~= 34 then return true end  -- not a string
      local close = find(doc, '"', i + 1, true)
      if not close then return true end
      -- The text has no '"': a match that starts inside the value ends there.
      local s = find(hay, text, i + 1, true)
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
