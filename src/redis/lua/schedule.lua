#!lua
-- Schedules a batch of new jobs in one round trip.
-- @keys jobs types ready scheduled executing wake queue idle handoff
-- @include keys
-- @include record
-- @include handoff
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
-- (scheduling an existing id again changes nothing: the caller's id is the idempotency key); for one
-- job handed to an idle pool (below), '2' followed by that pool's id.
--
-- One due job onto a type whose queues are empty, while a pool waits idle for that type, is handed
-- to the pool (includes/handoff.lua): leased to it here, as its claim would, and pushed to
-- handoff:<T>. A batch takes the usual path; its first job wakes an idle pool, which claims.

local now = nowMs()
local n = tonumber(ARGV[ARG0])

-- Run-at and, unless the job runs at once, the creation time come from Redis's clock. `leased` is
-- the opening of the header of a job leased as it is created (handOff), or nil.
local function newRecord(runAt, tail, leased)
  local created = runAt == now and "" or '"c":' .. exact(now) .. ","
  return (leased or "{") .. '"at":' .. exact(runAt) .. ',' .. created .. tail
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
local function queueRefilled(tk)
  wake(tk.wake)
  redis.call("SADD", TYPES, tk.name)
end

-- An idle pool of this type to hand a due job to, if the type's queues hold no other job (so none
-- waiting there is overtaken) and the last job handed over has been popped (so at most one per type
-- waits unstarted with its lease running): the pool whose wait ends first, most often the one that
-- has waited longest. A pool whose wait has ended (or that died waiting) is handed nothing.
local function idlePoolFor(tk)
  if redis.call("ZCARD", tk.ready) > 0 or redis.call("LLEN", tk.handoff) > 0 then return nil end
  return redis.call("ZRANGEBYSCORE", tk.idle, now + 1, "+inf", "LIMIT", 0, 1)[1]
end

-- The job's first attempt, leased to the idle pool as claim.lua would lease it: its record, written
-- queued (which kept the id unique), is written again leased. The pool stays registered: with room
-- left it pops the next job handed over without claiming in between; its next claim withdraws it.
local function handOff(tk, id, runAt, tail, pool)
  local leaseMs, poolId = idleMemberParts(pool)
  -- As a claim leases it (includes/record.lua, leasedPrefix), so its settle is as cheap.
  local leased = isPlainText(poolId) and leasedPrefix("1", exact(now), poolId)
    or '{"s":"executing","a":1,"st":' .. exact(now) .. ',"w":' .. cjson.encode(poolId) .. ','
  local record = newRecord(runAt, tail, leased)
  redis.call("HSET", JOBS, id, record)
  redis.call("ZADD", tk.executing, now + leaseMs, id)
  redis.call("RPUSH", tk.handoff, handoffEntry(id, record))
  redis.call("SADD", TYPES, tk.name)
  return "2" .. poolId
end

-- One job (every awaited schedule call): the batch path's bookkeeping tables cost more Lua time than
-- the job's own writes, and this call's time is the caller's latency. Its shortest path, a due job
-- onto a queue that holds jobs (a busy system), looks for no idle pool: none waits while jobs queue.
if n == 1 then
  local id, typeIndex = ARGV[ARG0 + 1], tonumber(ARGV[ARG0 + 2])
  local runAt = tonumber(ARGV[ARG0 + 3]) or (now + tonumber(ARGV[ARG0 + 4]))
  local tail = ARGV[ARG0 + 6]
  if redis.call("HSETNX", JOBS, id, newRecord(runAt, tail)) == 0 then return "0" end
  local tk = typeKeys(typeIndex)
  local priority = tonumber(ARGV[ARG0 + 5])
  if runAt <= now and priority == 0 then
    if redis.call("RPUSH", tk.queue, id) > 1 then return "1" end
    local pool = idlePoolFor(tk)
    if pool then
      redis.call("RPOP", tk.queue)
      return handOff(tk, id, runAt, tail, pool)
    end
    queueRefilled(tk)
    return "1"
  end
  if runAt <= now then
    local pool = redis.call("LLEN", tk.queue) == 0 and idlePoolFor(tk)
    if pool then return handOff(tk, id, runAt, tail, pool) end
    redis.call("ZADD", tk.ready, readyScore({ at = runAt, pr = priority }), id)
    wake(tk.wake)
  else
    addScheduled(tk, id, runAt)
  end
  redis.call("SADD", TYPES, tk.name)
  return "1"
end

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
    records[#records + 1] = newRecord(runAt, ARGV[at + 5])
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
    if redis.call("RPUSH", tk.queue, unpack(queuedIds, i, last)) == last - i + 1 then queueRefilled(tk) end
  end
end
return table.concat(created)
