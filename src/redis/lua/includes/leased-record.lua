-- The ordinary attempt's record is written as text, not through cjson: encoding the header at each
-- claim, and decoding and encoding it again at each settle, costs Redis enough per job to slow
-- processing measurably (bench/RESULTS.md). A claim of a job never attempted puts the run fields in
-- front of the header it read, in this form; a settle that finds them there rewrites them in place.
-- Any other record takes cjson's way (includes/record.lua).
-- A pool id is written as it is only when JSON needs no escapes for it.
local function isPlainText(text)
  return not string.find(text, '[%c"\\]')
end

local function leasedPrefix(attemptText, startedText, poolId)
  return '{"s":"executing","a":' .. attemptText .. ',"st":' .. startedText .. ',"w":"' .. poolId .. '",'
end

-- The record a settle writes when the attempt ended well: leasedPrefix replaced, the rest of `record`
-- from `rest` on kept. One concatenation: Redis's Lua hashes every string it makes in full, so a
-- prefix made apart and then joined to the rest would be a second record-sized string.
local function finishedRecord(attemptText, startedText, finishedText, poolId, record, rest)
  return '{"s":"finished","a":' .. attemptText .. ',"st":' .. startedText .. ',"ft":' .. finishedText .. ',"w":"' .. poolId .. '",' .. string.sub(record, rest)
end

-- A record that starts as leasedPrefix wrote it: attempt and started-at as text, and where the rest
-- of the record starts.
local LEASED_PREFIX = '^{"s":"executing","a":(%d+),"st":(%d+),"w":"[^"\\]*",'
local function readLeasedPrefix(record)
  local _, last, attemptText, startedText = string.find(record, LEASED_PREFIX)
  if last then return attemptText, startedText, last + 1 end
end
