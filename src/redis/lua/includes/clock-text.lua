-- Redis's clock for a new record on the shortest schedule paths, written from TIME's text: tonumber
-- and string.format go through the C library's strtod and printf (together a sixth of scheduleOne's
-- instructions: callgrind).

-- TIME's reply as milliseconds, in text. Its microseconds have no leading zeros.
local function millisText(time)
  local micros = time[2]
  local millis = #micros == 6 and string.sub(micros, 1, 3) or string.sub(string.rep("0", 6 - #micros) .. micros, 1, 3)
  return time[1] .. millis
end
