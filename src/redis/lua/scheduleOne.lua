#!lua
-- Schedules one job: every awaited schedule call, and a bulk of one. Kept apart from schedule.lua
-- (the batch) because one job may be handed straight to an idle pool.
-- @keys jobs types ready scheduled executing wake queue idle handoff
-- @include keys
--
-- Input (after the key layout of includes/keys.lua; one job type):
-- ARGV[ARG0]     id
-- ARGV[ARG0+1]   record tail, as schedule.lua takes it
-- ARGV[ARG0+2]   run at, absolute ms, or '' to run after the delay
-- ARGV[ARG0+3]   delay, ms after Redis's clock
-- ARGV[ARG0+4]   priority
-- The last three are left out for a job due now at priority 0 (no run-at, no delay).
-- Output: '0' when that id already existed; '1<ms>' when created; '2<ms>:<pool id>' when created and
-- handed to an idle pool (includes/handoff.lua): one due job onto a type whose queues are empty,
-- while a pool waits idle for it, is leased to the pool here, as its claim would, and pushed to
-- handoff:<T>. <ms> is Redis's time the job's run-at and creation time were taken from.

local time = redis.call("TIME")
local id, tail = ARGV[ARG0], ARGV[ARG0 + 1]
local tk = typeKeys(1)
-- The commonest call, a job due now at priority 0 (sent without the three timing arguments) onto a
-- queue that already holds jobs, is done first, with its run-at written from TIME's text and no
-- record decoded: it is every busy producer's latency (bench/RESULTS.md has the measurement). The
-- push is all: the push that filled the queue woke a pool. The queue's length is read first, so a
-- job onto an empty queue (which may be handed over below) is written once, leased, instead of
-- queued, then popped again and rewritten leased. (LLEN, not RPUSHX: the least-privilege ACL in
-- docs/security.md grants no RPUSHX.)
local dueNow = #ARGV == ARG0 + 1
local nowText
if dueNow then
  -- TIME's microseconds have no leading zeros.
  local micros = time[2]
  local millis = #micros == 6 and string.sub(micros, 1, 3) or string.sub(string.rep("0", 6 - #micros) .. micros, 1, 3)
  nowText = time[1] .. millis
  if redis.call("LLEN", tk.queue) > 0 then
    if redis.call("HSETNX", JOBS, id, '{"at":' .. nowText .. "," .. tail) == 0 then return "0" end
    redis.call("RPUSH", tk.queue, id)
    return "1" .. nowText
  end
end

-- @include record
-- @include leased-record
-- @include batch
-- @include queues
-- @include handoff
-- @include new-jobs
-- @include identities

local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local runAt, priority = now, 0
if not dueNow then
  runAt = tonumber(ARGV[ARG0 + 2]) or (now + tonumber(ARGV[ARG0 + 3]))
  priority = tonumber(ARGV[ARG0 + 4])
  if redis.call("HSETNX", JOBS, id, newRecord(now, runAt, tail)) == 0 then return "0" end
  if runAt <= now and priority == 0 and redis.call("RPUSH", tk.queue, id) > 1 then return "1" .. exact(now) end
end

-- An idle pool of this type to hand a due job to, if the type's queues hold no other job (so none
-- waiting there is overtaken) and fewer than HANDOFFS_UNPOPPED jobs handed over wait unpopped (so few
-- wait unstarted with their lease running): the pool whose wait ends first, most often the one that
-- has waited longest. A pool whose wait has ended (or that died waiting) is handed nothing. Any pool
-- blocked on handoff:<T> may pop the job, so it is handed over only when every idle pool knows its
-- contract identity (includes/deferral.lua); otherwise it is queued, for a claim to lease or defer.
local function idlePoolFor()
  local pools = redis.call("ZRANGEBYSCORE", tk.idle, now + 1, "+inf")
  if #pools == 0 or redis.call("ZCARD", tk.ready) > 0 or redis.call("LLEN", tk.handoff) >= HANDOFFS_UNPOPPED then return nil end
  local header = string.sub(tail, 1, (string.find(tail, "\n", 1, true) or 0) - 1)
  local identity = string.match(header, '"h":"([^"\\]*)"')
  for _, pool in ipairs(pools) do
    local _, known = idleMemberParts(pool)
    if not knowsIdentity(known, identity) then return nil end
  end
  return pools[1]
end

-- The job's first attempt, leased to the idle pool as claim.lua would lease it. Its record is
-- written leased: new (HSETNX, which keeps the id unique: '0' if it was taken), or over the queued
-- record written before. The pool stays registered: with room left it pops the next job handed over
-- without claiming in between; its next claim withdraws it.
local function handOff(pool, isNew)
  local leaseMs, _, poolId = idleMemberParts(pool)
  -- As a claim leases it (includes/leased-record.lua), so its settle is as cheap.
  local leased = isPlainText(poolId) and leasedPrefix("1", exact(now), poolId)
    or '{"s":"executing","a":1,"st":' .. exact(now) .. ',"w":' .. cjson.encode(poolId) .. ','
  local record = newRecord(now, runAt, tail, leased)
  if isNew then
    if redis.call("HSETNX", JOBS, id, record) == 0 then return "0" end
  else
    redis.call("HSET", JOBS, id, record)
  end
  redis.call("ZADD", tk.executing, now + leaseMs, id)
  redis.call("RPUSH", tk.handoff, handoffEntry(id, record))
  redis.call("SADD", TYPES, tk.name)
  return "2" .. exact(now) .. ":" .. poolId
end

if dueNow then
  -- The queue is empty and the record not yet written.
  local pool = idlePoolFor()
  if pool then return handOff(pool, true) end
  if redis.call("HSETNX", JOBS, id, '{"at":' .. nowText .. "," .. tail) == 0 then return "0" end
  redis.call("RPUSH", tk.queue, id)
  queueRefilled(tk, TYPES)
  return "1" .. nowText
end
if runAt <= now and priority == 0 then
  -- The push above found the queue empty.
  local pool = idlePoolFor()
  if pool then
    redis.call("RPOP", tk.queue)
    return handOff(pool, false)
  end
  queueRefilled(tk, TYPES)
  return "1" .. exact(now)
end
if runAt <= now then
  local pool = redis.call("LLEN", tk.queue) == 0 and idlePoolFor()
  if pool then return handOff(pool, false) end
  redis.call("ZADD", tk.ready, readyScore({ at = runAt, pr = priority }), id)
  wake(tk.wake)
else
  addScheduled(tk, id, runAt)
end
redis.call("SADD", TYPES, tk.name)
return "1" .. exact(now)
