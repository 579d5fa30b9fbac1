-- The direct hand-off: a pool whose claim found its queues drained registers in idle:<T> and blocks
-- on handoff:<T>; a schedule of one due job onto an empty queue then leases the job to it and pushes
-- the record there, so the job reaches a handler in one hop, with no wake-up and no claim between.

-- The most jobs handed over per type that no pool has popped yet, each leased and waiting unstarted.
-- A waiting pool keeps one BLPOP more than that pending (HANDOFF_POPS, src/redis/scripts/handoff.ts):
-- of schedules that reach Redis together, the first job is popped as its schedule ends, and the next
-- ones once Redis has run those schedules and turns to the pool's pending BLPOPs, all in one pass.
local HANDOFFS_UNPOPPED = 3

-- An idle pool's entry: what a schedule needs to lease a job to it, and the identities the pool
-- knows for the type (includes/deferral.lua), since a job must reach only a pool that can run it.
local function idleMember(leaseMs, known, poolId)
  return leaseMs .. ":" .. known .. ":" .. poolId
end

-- Lease ms, known identities, pool id. An entry without the identities (an older pool's) knows none.
local function idleMemberParts(member)
  local colon = string.find(member, ":", 1, true)
  local second = string.find(member, ":", colon + 1, true)
  if not second then return tonumber(string.sub(member, 1, colon - 1)), "", string.sub(member, colon + 1) end
  return tonumber(string.sub(member, 1, colon - 1)), string.sub(member, colon + 1, second - 1), string.sub(member, second + 1)
end

-- A hand-off entry carries the id before the record, prefixed by its length: ids may hold any text.
local function handoffEntry(id, record)
  return #id .. ":" .. id .. record
end

local function handoffId(entry)
  local colon = string.find(entry, ":", 1, true)
  local length = tonumber(string.sub(entry, 1, colon - 1))
  return string.sub(entry, colon + 1, colon + length)
end
