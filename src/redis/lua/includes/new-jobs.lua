-- How a new job is written and queued: shared by schedule.lua (a batch) and scheduleOne.lua.

-- Run-at and, unless the job runs at once, the creation time come from Redis's clock. `leased` is
-- the opening of the header of a job leased as it is created (a hand-off), or nil.
local function newRecord(now, runAt, tail, leased)
  local created = runAt == now and "" or '"c":' .. exact(now) .. ","
  return (leased or "{") .. '"at":' .. exact(runAt) .. "," .. created .. tail
end

-- A pool asleep until the earliest scheduled job must hear of an earlier one.
local function addScheduled(tk, id, runAt)
  local earliest = redis.call("ZRANGE", tk.scheduled, 0, 0, "WITHSCORES")[2]
  redis.call("ZADD", tk.scheduled, runAt, id)
  if earliest == nil or runAt < tonumber(earliest) then wake(tk.wake) end
end

-- Called when a push finds a type's queue empty. A push onto a queue that already held jobs wakes
-- no pool and registers nothing: a pool that found its queues drained, and may be blocked on its
-- wake list, found this one empty, so the push that filled it again woke one; and that push
-- registered the type. Only the first job of a burst pays for either.
local function queueRefilled(tk, typesKey)
  wake(tk.wake)
  redis.call("SADD", typesKey, tk.name)
end
