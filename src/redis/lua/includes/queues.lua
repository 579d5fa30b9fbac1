-- Where a due job waits for a claim, and how an idle pool hears of it (uses includes/batch.lua).

-- Wakes one idle pool blocked on this type; one token is enough, the woken pool passes it on.
local function wake(wakeKey)
  if redis.call("LLEN", wakeKey) == 0 then
    redis.call("RPUSH", wakeKey, "1")
  end
end

-- Ready queues order by priority (higher first), then by run-at (earlier first), in one exact
-- double (src/redis/ready-score.ts).
-- @include score
local function readyScore(header)
  local sinceBase = (header.at or 0) - TIME_BASE_MS
  if sinceBase < 0 then sinceBase = 0 end
  if sinceBase >= TIME_SPAN_MS then sinceBase = TIME_SPAN_MS - 1 end
  return (PRIORITY_MAX - (header.pr or 0)) * TIME_SPAN_MS + sinceBase
end

-- A due job of priority 0 (nearly every job) waits in the queue list, oldest first: a list entry
-- costs a few bytes where a sorted-set member costs over 100. Only jobs with a priority are scored
-- in the ready zset. With `front` (a table), priority-0 ids are collected there instead, for
-- pushFront: attempts handed back go where they were taken from.
local function enqueueReady(tk, id, header, front)
  if (header.pr or 0) == 0 then
    if front then pushTo(front, tk.queue, id) else redis.call("RPUSH", tk.queue, id) end
  else
    redis.call("ZADD", tk.ready, readyScore(header), id)
  end
end

-- Puts the ids collected by enqueueReady at the heads of their lists, in the order they were
-- collected (LPUSH reverses, so they are pushed last first).
local function pushFront(front)
  for key, ids in pairs(front) do
    local reversed = {}
    for k = #ids, 1, -1 do reversed[#reversed + 1] = ids[k] end
    batchCall("LPUSH", key, reversed)
  end
end
