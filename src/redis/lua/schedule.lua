#!lua
-- Schedules a batch of new jobs in one round trip.
-- @include keys
-- @include record
--
-- Input (after the shared layout in includes/keys.lua):
-- ARGV[ARG0]    n, the number of jobs
-- then 6 values per job:
--   id           made by the caller (or chosen by the user), so a resent call creates nothing twice
--   type index   1-based index into the script's job types
--   run at       absolute ms, or '' to run after the delay
--   delay        ms after Redis's clock (used when run at is '')
--   priority     integer, -1024..1023 (also in the record; here so the script need not parse it)
--   record tail  the record without its opening '{': '"t":...}\n<payload>'; the script prepends
--                '{"at":<run at>,' and, unless the job runs at once, '"c":<now>,', so run-at and
--                the creation time come from Redis's own clock
-- Output: a flat array, 2 values per job: id, 1 when created or 0 when that id already existed
-- (scheduling an existing id again changes nothing: the caller's id is the idempotency key).

local now = nowMs()
local n = tonumber(ARGV[ARG0])
local result = {}
local registered = {}
-- One job: HSETNX tells whether it is new. Several: one HMGET finds those that exist, and the new
-- records, and the new ready entries per type, are written with one call each at the end.
local existing = {}
if n > 1 then
  local ids = {}
  for j = 0, n - 1 do ids[j + 1] = ARGV[ARG0 + 1 + j * 6] end
  existing = hmgetAll(JOBS, ids)
end
local records, ready, queued, due, seen = {}, {}, {}, {}, {}
for j = 0, n - 1 do
  local at = ARG0 + 1 + j * 6
  local id, typeIndex = ARGV[at], tonumber(ARGV[at + 1])
  local runAt = tonumber(ARGV[at + 2]) or (now + tonumber(ARGV[at + 3]))
  local tk = typeKeys(typeIndex)
  local created = runAt == now and "" or '"c":' .. exact(now) .. ","
  local record = '{"at":' .. exact(runAt) .. ',' .. created .. ARGV[at + 5]
  local created
  if n == 1 then
    created = redis.call("HSETNX", JOBS, id, record) == 1
  else
    created = not existing[j + 1] and not seen[id]
    seen[id] = true
    if created then
      records[#records + 1] = id
      records[#records + 1] = record
    end
  end
  if created then
    local header = { at = runAt, pr = tonumber(ARGV[at + 4]) }
    if runAt <= now then
      -- As enqueueReady, batched: priority 0 to the queue list, a priority to the ready zset.
      if header.pr == 0 then pushTo(queued, typeIndex, id) else pushTo(ready, typeIndex, readyScore(header), id) end
      due[typeIndex] = true
    else
      -- A pool asleep until the earliest scheduled job must hear of an earlier one.
      local earliest = redis.call("ZRANGE", tk.scheduled, 0, 0, "WITHSCORES")[2]
      redis.call("ZADD", tk.scheduled, exact(runAt), id)
      if earliest == nil or runAt < tonumber(earliest) then wake(tk.wake) end
    end
    if not registered[typeIndex] then
      redis.call("SADD", TYPES, tk.name)
      registered[typeIndex] = true
    end
  end
  result[#result + 1] = id
  result[#result + 1] = created and 1 or 0
end
batchCall("HSET", JOBS, records)
for typeIndex, members in pairs(ready) do batchCall("ZADD", typeKeys(typeIndex).ready, members) end
for typeIndex, ids in pairs(queued) do batchCall("RPUSH", typeKeys(typeIndex).queue, ids) end
for typeIndex in pairs(due) do wake(typeKeys(typeIndex).wake) end
return result
