-- (Uses includes/record.lua; the caller's @keys name rejected.)

-- Ends a job no pool that knows its identity took in time. The caller has taken it out of
-- deferred:<T> (or its queue), and writes the record.
local function rejectUnknown(tk, id, header, known, now)
  local knows = known == "*" and "every identity" or ("only " .. string.gsub(string.sub(known, 2, -2), ",", ", "))
  local why = header.dl and "no pool that knows it took the job before its deadline" or "no build writes such an identity"
  header.s, header.ft = "rejected", now
  header.e = {
    name = "UnknownContractError",
    message = "job type '" .. tk.name .. "': the job carries contract identity " .. cjson.encode(header.h) ..
      ", which this pool's build does not know (it knows " .. knows .. "); " .. why,
  }
  redis.call("ZADD", tk.rejected, now, id)
end
