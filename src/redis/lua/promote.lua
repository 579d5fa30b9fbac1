#!lua
-- Moves the scheduled jobs that have fallen due (delayed, retry backoff, recurring) into their ready
-- queues, and wakes an idle pool of each type that got work. Each pool runs it as its scheduler duty
-- (src/pool/scheduler.ts) when the earliest scheduled job falls due.
-- @keys jobs ready scheduled failed wake queue
-- @include keys
-- @include record
-- @include batch
-- @include queues
-- @include earliest-scheduled
--
-- Input (after the key layout of includes/keys.lua):
-- ARGV[ARG0]   the most jobs to promote per type in this call
-- Output: { more, now ms, next due ms or '' }. More is '1' when a type had more due jobs than the
--   limit: call again at once. Next due is the earliest run-at still scheduled among the types.
--   A record that cannot be read is quarantined as failed instead of promoted.

local now = nowMs()
local limit = tonumber(ARGV[ARG0])
local more = "0"
for i = 1, TYPE_COUNT do
  local tk = typeKeys(i)
  local due = redis.call("ZRANGEBYSCORE", tk.scheduled, "-inf", now, "LIMIT", 0, limit)
  if #due == limit then more = "1" end
  local promoted = false
  if #due > 0 then
    batchCall("ZREM", tk.scheduled, due)
    local raws = hmgetAll(JOBS, due)
    for k, id in ipairs(due) do
      local raw = raws[k]
      if raw then
        local header, reason = decodeRecord(raw, tk.name)
        if header then
          enqueueReady(tk, id, header)
          promoted = true
        else
          quarantine(JOBS, tk.failed, id, tk.name, raw, reason, now)
        end
      end
    end
  end
  if promoted then wake(tk.wake) end
end
local earliest = earliestScheduled()
return { more, now, earliest and exact(earliest) or "" }
