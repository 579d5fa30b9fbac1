#!lua
-- Claims up to n jobs of the given types for one pool, best first, and leases them to it.
-- @include keys
-- @include record
--
-- Input (after the shared layout in includes/keys.lua; the types are the pool's handler types):
-- ARGV[ARG0]     n, the most jobs to claim
-- ARGV[ARG0+1]   lease length ms
-- ARGV[ARG0+2]   pool id, kept on the record for observers
-- ARGV[ARG0+3]   the most scheduled jobs per type to promote to ready in this call
-- ARGV[ARG0+4]   '1' when the pool was just woken from idle: it then passes the wake-up on if work
--                remains after a full batch, so a bulk schedule wakes every idle pool in turn
-- Output: { next due ms or '', lease deadline ms, id1, record1, id2, record2, ... }
--   Each record is as stored after the claim (status executing, attempt counted). Next due is the
--   earliest scheduled run-at among the types, given only when nothing was claimed, so an idle pool
--   knows how long it may sleep.
--
-- Cost: O(log N) per type for promotion and selection, plus O(1) per claimed job; the claimed jobs'
-- records are read and written with one HMGET and one HSET, their leases added with one ZADD per type.

local now = nowMs()
local wanted = tonumber(ARGV[ARG0])
local leaseMs = tonumber(ARGV[ARG0 + 1])
local poolId = ARGV[ARG0 + 2]
local promoteLimit = tonumber(ARGV[ARG0 + 3])
local justWoken = ARGV[ARG0 + 4] == "1"

-- Promote due scheduled jobs (delayed, retry backoff, recurring) into their ready queues.
for i = 1, TYPE_COUNT do
  local tk = typeKeys(i)
  local due = redis.call("ZRANGEBYSCORE", tk.scheduled, "-inf", exact(now), "LIMIT", 0, promoteLimit)
  for _, id in ipairs(due) do
    redis.call("ZREM", tk.scheduled, id)
    local raw = redis.call("HGET", JOBS, id)
    if raw then
      local header, reason = decodeRecord(raw, tk.name)
      if header then
        redis.call("ZADD", tk.ready, readyScore(header), id)
      else
        quarantine(JOBS, tk.failed, id, tk.name, raw, reason, now)
      end
    end
  end
end

-- Select the best n across the types: one ZPOPMIN for a single type, else merge the heads.
local picked = {}
if TYPE_COUNT == 1 then
  local popped = redis.call("ZPOPMIN", typeKeys(1).ready, wanted)
  for k = 1, #popped, 2 do picked[#picked + 1] = { id = popped[k], typeIndex = 1 } end
else
  local candidates = {}
  for i = 1, TYPE_COUNT do
    local head = redis.call("ZRANGE", typeKeys(i).ready, 0, wanted - 1, "WITHSCORES")
    for k = 1, #head, 2 do
      candidates[#candidates + 1] = { id = head[k], score = tonumber(head[k + 1]), typeIndex = i }
    end
  end
  table.sort(candidates, function(x, y)
    if x.score ~= y.score then return x.score < y.score end
    return x.id < y.id
  end)
  for k = 1, math.min(wanted, #candidates) do
    local c = candidates[k]
    redis.call("ZREM", typeKeys(c.typeIndex).ready, c.id)
    picked[#picked + 1] = c
  end
end

local deadline = exact(now + leaseMs)
local result = { "", deadline }
local ids = {}
for k, p in ipairs(picked) do ids[k] = p.id end
local raws = hmgetAll(JOBS, ids)
local records, leases = {}, {}
for k, p in ipairs(picked) do
  local raw = raws[k]
  if raw then
    local header, payloadOrReason = decodeRecord(raw, typeKeys(p.typeIndex).name)
    if header then
      header.s, header.st, header.ft, header.w = "executing", now, nil, poolId
      header.a = (header.a or 0) + 1
      local record = encodeRecord(header, payloadOrReason)
      records[#records + 1] = p.id
      records[#records + 1] = record
      pushTo(leases, typeKeys(p.typeIndex).executing, deadline, p.id)
      result[#result + 1] = p.id
      result[#result + 1] = record
    else
      quarantine(JOBS, typeKeys(p.typeIndex).failed, p.id, typeKeys(p.typeIndex).name, raw, payloadOrReason, now)
    end
  end
end
batchCall("HSET", JOBS, records)
for key, members in pairs(leases) do batchCall("ZADD", key, members) end

if #picked == 0 then
  local earliest
  for i = 1, TYPE_COUNT do
    local head = redis.call("ZRANGE", typeKeys(i).scheduled, 0, 0, "WITHSCORES")[2]
    if head and (earliest == nil or tonumber(head) < earliest) then earliest = tonumber(head) end
  end
  if earliest then result[1] = exact(earliest) end
elseif justWoken and #picked == wanted then
  -- This pool took a full batch; more may be waiting, so let the next idle pool look too.
  for i = 1, TYPE_COUNT do
    local tk = typeKeys(i)
    if redis.call("ZCARD", tk.ready) > 0 then wake(tk.wake) end
  end
end
return result
