-- A job type's throughput series, throughput:<T>: a hash with, per minute m (Redis clock, minutes
-- since the epoch), '<m>:finished' and '<m>:failed' (attempts that ended in that minute), and 'last',
-- the latest minute written. Minutes older than MINUTES_KEPT are pruned by the first write of each
-- minute, and the key expires once a type has settled nothing for that long. Read by
-- src/ops/throughput.ts, which names the same fields.

local MINUTE_MS = 60000
local MINUTES_KEPT = 1440

-- Drops the minutes that fell out of the window since `last`, the latest minute written before this
-- one: those still kept are (last - MINUTES_KEPT, last].
local function pruneThroughput(key, minute)
  local last = tonumber(redis.call("HGET", key, "last"))
  if last and last >= minute then return end
  if last then
    local stale = {}
    for m = last - MINUTES_KEPT + 1, math.min(last, minute - MINUTES_KEPT) do
      stale[#stale + 1] = m .. ":finished"
      stale[#stale + 1] = m .. ":failed"
    end
    if #stale > 0 then batchCall("HDEL", key, stale) end
  end
  redis.call("HSET", key, "last", minute)
  redis.call("PEXPIRE", key, (MINUTES_KEPT + 1) * MINUTE_MS)
end

-- Adds a batch's attempts to the current minute: one or two HINCRBY; the first write of a minute
-- (a counter that starts at what was added) also prunes.
local function countThroughput(key, now, finished, failed)
  local minute = math.floor(now / MINUTE_MS)
  local first = false
  if finished > 0 then first = redis.call("HINCRBY", key, minute .. ":finished", finished) == finished end
  if failed > 0 and redis.call("HINCRBY", key, minute .. ":failed", failed) == failed then first = true end
  if first then pruneThroughput(key, minute) end
end
