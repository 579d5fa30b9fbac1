-- Uses includes/queues.lua.
-- Puts a queued job where a pool will find it: ready when due, else the schedule.
-- Returns true when the job is ready.
local function enqueue(tk, id, header, now)
  if (header.at or 0) <= now then
    enqueueReady(tk, id, header)
    return true
  end
  redis.call("ZADD", tk.scheduled, header.at, id)
  return false
end
