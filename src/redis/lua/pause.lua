#!lua
-- Pauses a job type: no pool claims its jobs until resume.lua (claim.lua skips paused types). Its
-- idle pools are withdrawn in the same step, so no schedule hands one of its jobs to an idle pool
-- (includes/handoff.lua hands only to pools in idle:<T>, and claim.lua registers none for a paused
-- type). Jobs already handed over and not yet popped go back to the front of their queue, their
-- lease undone as if it never was (one cancelled meanwhile ends cancelled, as claim.lua ends it):
-- an idle pool blocked on handoff:<T> would otherwise still pop and run them. Scheduling goes on;
-- attempts already leased to a pool (started, or claimed ahead and held by it) go on.
-- @keys jobs paused ready executing cancelled queue idle handoff
-- @include keys
-- @include record
-- @include batch
-- @include queues
-- @include handoff
-- @include end-cancelled
--
-- Input (after the key layout of includes/keys.lua, with the one type to pause): nothing
-- Output: 1 when the type was running, 0 when it was paused already

local tk = typeKeys(1)
local added = redis.call("SADD", PAUSED, tk.name)
redis.call("DEL", tk.idle)

-- A schedule hands over only while few jobs handed over wait unpopped (HANDOFFS_UNPOPPED): the list is short.
local entries = redis.call("LRANGE", tk.handoff, 0, -1)
redis.call("DEL", tk.handoff)
local ids = {}
for k, entry in ipairs(entries) do ids[k] = handoffId(entry) end
local raws = hmgetAll(JOBS, ids)
local now = nowMs()
local records, front = {}, {}
for k, id in ipairs(ids) do
  local header, payload = nil, nil
  if raws[k] then header, payload = decodeRecord(raws[k], tk.name) end
  -- Still the first attempt it was handed over as; otherwise its lease ran out and it was recovered,
  -- and the claim or settle since owns it. A record that cannot be read is left to the lease reaper.
  if header and header.s == "executing" and header.a == 1 then
    redis.call("ZREM", tk.executing, id)
    header.a, header.st, header.w = nil, nil, nil
    if header.cx then
      endCancelled(tk, id, header, now)
    else
      header.s = "queued"
      enqueueReady(tk, id, header, front)
    end
    records[#records + 1] = id
    records[#records + 1] = encodeRecord(header, payload)
  end
end
pushFront(front)
batchCall("HSET", JOBS, records)
return added
