#!lua
-- Schedules a batch of new jobs in one round trip (one job: scheduleOne.lua).
-- @keys jobs types ready scheduled wake queue
-- @include keys
-- @include record
-- @include batch
-- @include queues
-- @include new-jobs
--
-- Input (after the key layout of includes/keys.lua):
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
-- Output: one character per job, in order: '1' when created, '0' when that id already existed
-- (scheduling an existing id again changes nothing: the caller's id is the idempotency key); then
-- ':' and Redis's time in ms, which the run-ats and creation times were taken from.
-- One job is scheduleOne.lua's: it may hand the job to an idle pool. A batch wakes one idle pool
-- with its first job, which claims.

local now = nowMs()
local n = tonumber(ARGV[ARG0])

local created = {}
local registered = {}
-- Several jobs: one HMGET finds those that exist, and the new records, and the new ready entries
-- per type, are written with one call each at the end.
local ids = {}
for j = 0, n - 1 do ids[j + 1] = ARGV[ARG0 + 1 + j * 6] end
local existing = hmgetAll(JOBS, ids)
local records, ready, queued, seen = {}, {}, {}, {}
for j = 0, n - 1 do
  local at = ARG0 + 1 + j * 6
  local id, typeIndex = ARGV[at], tonumber(ARGV[at + 1])
  local runAt = tonumber(ARGV[at + 2]) or (now + tonumber(ARGV[at + 3]))
  local tk = typeKeys(typeIndex)
  local isNew = not existing[j + 1] and not seen[id]
  seen[id] = true
  if isNew then
    records[#records + 1] = id
    records[#records + 1] = newRecord(now, runAt, ARGV[at + 5])
    local priority = tonumber(ARGV[at + 4])
    if runAt > now then
      addScheduled(tk, id, runAt)
    elseif priority == 0 then
      pushTo(queued, typeIndex, id)
    else
      pushTo(ready, typeIndex, readyScore({ at = runAt, pr = priority }), id)
    end
    if not registered[typeIndex] then
      redis.call("SADD", TYPES, tk.name)
      registered[typeIndex] = true
    end
  end
  created[j + 1] = isNew and "1" or "0"
end
batchCall("HSET", JOBS, records)
for typeIndex, members in pairs(ready) do
  batchCall("ZADD", typeKeys(typeIndex).ready, members)
  wake(typeKeys(typeIndex).wake)
end
for typeIndex, queuedIds in pairs(queued) do
  local tk = typeKeys(typeIndex)
  for i = 1, #queuedIds, BATCH_ARGS do
    local last = math.min(i + BATCH_ARGS - 1, #queuedIds)
    if redis.call("RPUSH", tk.queue, unpack(queuedIds, i, last)) == last - i + 1 then queueRefilled(tk, TYPES) end
  end
end
return table.concat(created) .. ":" .. exact(now)
