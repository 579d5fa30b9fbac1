#!lua
-- Claims up to n due jobs of the given types for one pool, best first, and leases them to it. Jobs
-- scheduled for later become due through promote.lua, not here.
-- @keys jobs paused holes ready scheduled executing failed cancelled rejected wake queue idle handoff deferred
-- @include keys
-- @include record
-- @include leased-record
-- @include batch
-- @include queues
-- @include handoff
-- @include end-cancelled
-- @include earliest-scheduled
-- @include holes
-- @include identities
-- @include deferral
-- @include reject-unknown
--
-- Input (after the key layout of includes/keys.lua; the types are the pool's handler types):
-- ARGV[ARG0]     n, the most jobs to claim
-- ARGV[ARG0+1]   lease length ms
-- ARGV[ARG0+2]   pool id, kept on the record for observers
-- ARGV[ARG0+3]   '1' when the pool was just woken from idle: it then passes the wake-up on if work
--                remains after a full batch, so a bulk schedule wakes every idle pool in turn
-- ARGV[ARG0+4]   '1' when the pool may still be registered idle (a claim of its found the queues
--                drained): its entries in idle:<T> are withdrawn first
-- ARGV[ARG0+5]   how long the pool will wait for work if this claim finds the queues drained, ms; it
--                is then registered idle until that wait ends, for a schedule to hand it a job
--                (includes/handoff.lua). 0: it will not wait, or has no room
-- ARGV[ARG0+6]   '1' to take first the jobs deferred by other pools whose identity this pool knows
--                (the pool saw some, or was just woken)
-- ARGV[ARG0+7]   how long a job this claim defers waits for a pool that knows it, ms
-- ARGV[ARG0+8..] per type, the identities the pool knows (includes/deferral.lua)
-- Output: { drained, next due ms or '', lease deadline ms, id1, record1, id2, record2, ... }
--   Each record is as stored after the claim (status executing, attempt counted). Drained is '1'
--   when fewer than n jobs were due: the queues are empty, and only a wake-up (a schedule, a
--   promotion, a retry, a recovered job) can bring work, so the pool may block instead of claiming
--   again as its jobs finish. Next due is the earliest run-at still scheduled among the types, for
--   the pool's scheduler (promote.lua).
--   Jobs handed to an idle pool that no pool popped from handoff:<T> come first, leased anew to this
--   pool (their attempt was counted when they were handed over); one cancelled meanwhile ends
--   cancelled here, never started.
--   Paused types (the paused set: pause.lua) are skipped whole: nothing is popped from their
--   hand-off lists or queues, and the pool is not registered idle for them. Holes in a queue list
--   (includes/holes.lua) are popped with the jobs around them and never leased; a claim passes at most
--   HOLE_BUDGET of them, and if that leaves it short of n with entries still queued it does not
--   report drained, so the pool claims again at once instead of waiting.
--   A job whose identity the pool does not know is not leased: it moves to deferred:<T>
--   (includes/deferral.lua), its attempt not counted, and a pool is woken, so an idle one that knows
--   it can take it; it counts as selected, so it never makes the claim report drained. With
--   ARGV[ARG0+6], jobs deferred with an identity the pool knows are leased before any other.
--
-- Cost: one SCARD of the paused set, and one SISMEMBER per type when any type is paused; O(log N)
-- per type for selection (O(1) from the queue list), plus O(1) per claimed job and per hole popped;
-- the claimed jobs' records are read and written with one HMGET and one HSET, their leases added
-- with one ZADD per type; each job's identity is compared with the pool's newest for its type. With
-- several types, ranking the queue lists reads one record per list entry considered: at most n plus
-- one per type.

local now = nowMs()
local wanted = tonumber(ARGV[ARG0])
local leaseMs = tonumber(ARGV[ARG0 + 1])
local poolId = ARGV[ARG0 + 2]
local justWoken = ARGV[ARG0 + 3] == "1"
local plainPoolId = isPlainText(poolId)
local firstLease = plainPoolId and leasedPrefix("1", exact(now), poolId)
local waitMs = tonumber(ARGV[ARG0 + 5])
local takeDeferred = ARGV[ARG0 + 6] == "1"
local deferMs = tonumber(ARGV[ARG0 + 7])
-- Per type: the identities the pool knows, its newest (the common case, compared first), and its idle entry.
local known, newest, idleEntries = {}, {}, {}
for i = 1, TYPE_COUNT do
  known[i] = ARGV[ARG0 + 7 + i]
  newest[i] = string.match(known[i], "^,([^,]+),")
  idleEntries[i] = idleMember(ARGV[ARG0 + 1], known[i], poolId)
end

-- Awake now: no schedule may hand this pool a job until it registers again (below, when drained).
if ARGV[ARG0 + 4] == "1" then
  for i = 1, TYPE_COUNT do redis.call("ZREM", typeKeys(i).idle, idleEntries[i]) end
end

-- The types this claim may take from: a paused type's jobs stay where they are.
local active = {}
local anyPaused = redis.call("SCARD", PAUSED) > 0
for i = 1, TYPE_COUNT do
  if not anyPaused or redis.call("SISMEMBER", PAUSED, typeKeys(i).name) == 0 then active[#active + 1] = i end
end

-- Jobs handed to an idle pool that nobody popped: the pool stopped waiting (or died) as the job was
-- handed over. They were leased and counted then, and were due before anything queued since. (Jobs
-- taken from deferred:<T> join them below, not leased yet.)
local handed = {}
for _, i in ipairs(active) do
  if #handed >= wanted then break end
  local entries = redis.call("LPOP", typeKeys(i).handoff, wanted - #handed)
  if entries then
    for _, entry in ipairs(entries) do handed[#handed + 1] = { id = handoffId(entry), typeIndex = i, handed = true } end
  end
end

-- Jobs other pools deferred, of identities this pool knows: they have waited longest of all.
if takeDeferred then
  for _, i in ipairs(active) do
    local tk = typeKeys(i)
    local members = {}
    if known[i] == "*" then
      if #handed < wanted then members = redis.call("ZRANGE", tk.deferred, 0, wanted - #handed - 1) end
    else
      for identity in string.gmatch(known[i], "[^,]+") do
        if #handed + #members >= wanted then break end
        for _, member in ipairs(redis.call("ZRANGE", tk.deferred, "[" .. identity .. ":", "(" .. identity .. ";", "BYLEX", "LIMIT", 0, wanted - #handed - #members)) do
          members[#members + 1] = member
        end
      end
    end
    if #members > 0 then
      batchCall("ZREM", tk.deferred, members)
      for _, member in ipairs(members) do
        handed[#handed + 1] = { id = deferredMemberId(member), typeIndex = i, deferred = true }
      end
    end
  end
end
wanted = wanted - #handed

-- Select the best n across the types: jobs with a priority above 0 (ready zset, scores below
-- QUEUE_BAND), then priority 0 (the queue list, oldest first), then negative priorities.
local picked = {}

local function pick(id, typeIndex) picked[#picked + 1] = { id = id, typeIndex = typeIndex } end

local function popReady(tk, typeIndex, count)
  local popped = redis.call("ZPOPMIN", tk.ready, count)
  for k = 1, #popped, 2 do pick(popped[k], typeIndex) end
end

-- A queue list's head held holes in place of jobs: more entries are taken, window by window (LRANGE,
-- then LTRIM what was used), until the claim has its jobs, the list ends, or the claim's hole budget
-- (includes/holes.lua) is spent. Takes the holes popped so far and returns them with those it popped.
local holeLimited = false
local function popPastHoles(tk, typeIndex, holes)
  while #picked < wanted do
    if holeBudgetSpent(holes) then
      holeLimited = true
      break
    end
    local window = math.min(math.max((wanted - #picked) * 4, 100), HOLE_BUDGET)
    local entries = redis.call("LRANGE", tk.queue, 0, window - 1)
    local used = 0
    for _, id in ipairs(entries) do
      if #picked >= wanted then break end
      used = used + 1
      if id == HOLE then holes = holes + 1 else pick(id, typeIndex) end
    end
    if used > 0 then redis.call("LTRIM", tk.queue, used, -1) end
    if #entries < window then break end
  end
  return holes
end

if wanted <= 0 then
  -- Nothing asked for: ZRANGE 0 -1 below would otherwise read the whole ready zset.
elseif #active == 0 then
  -- Every type is paused.
elseif #active == 1 then
  local t = active[1]
  local tk = typeKeys(t)
  local head = redis.call("ZRANGE", tk.ready, 0, wanted - 1, "WITHSCORES")
  local above = 0
  for k = 2, #head, 2 do
    if tonumber(head[k]) < QUEUE_BAND then above = above + 1 end
  end
  if above > 0 then popReady(tk, t, above) end
  if #picked < wanted then
    local queued = redis.call("LPOP", tk.queue, wanted - #picked)
    local holes = 0
    if queued then
      for _, id in ipairs(queued) do
        if id == HOLE then holes = holes + 1 else pick(id, t) end
      end
    end
    if holes > 0 then holes = popPastHoles(tk, t, holes) end
    holesPopped(HOLES, tk.name, holes)
  end
  if #picked < wanted and #head > above * 2 then popReady(tk, t, wanted - #picked) end
else
  -- Merge every type's zset and list, best first, taking from the heads only. A list entry's rank
  -- is its run-at, read from its record when it reaches the head (so at most n + one per type are
  -- read), and never earlier than the entry before it: a list can only be taken from its head.
  local sources = {}
  for _, i in ipairs(active) do
    local tk = typeKeys(i)
    local head = redis.call("ZRANGE", tk.ready, 0, wanted - 1, "WITHSCORES")
    if #head > 0 then sources[#sources + 1] = { typeIndex = i, scored = head, next = 1 } end
    local queued = redis.call("LRANGE", tk.queue, 0, wanted - 1)
    if #queued > 0 then sources[#sources + 1] = { typeIndex = i, listed = queued, next = 1, floor = QUEUE_BAND, used = 0, holes = 0 } end
  end
  local holesPassed = 0

  -- The list's entry at position k, reading further windows of the list when the entries read so far
  -- were holes; nil at its end, or once the claim's hole budget is spent.
  local function listedAt(source, k)
    local listed = source.listed
    if k > #listed and #listed % wanted == 0 and not source.ended then
      if holeBudgetSpent(holesPassed) then
        holeLimited = true
        return nil
      end
      local more = redis.call("LRANGE", typeKeys(source.typeIndex).queue, #listed, #listed + wanted - 1)
      for _, id in ipairs(more) do listed[#listed + 1] = id end
      if #more < wanted then source.ended = true end
    end
    return listed[k]
  end

  -- The source's next candidate, or nil when it has none left.
  local function candidateOf(source)
    if source.current then return source.current end
    local k = source.next
    if source.scored then
      if k * 2 > #source.scored then return nil end
      source.current = { id = source.scored[k * 2 - 1], score = tonumber(source.scored[k * 2]) }
    else
      local id = listedAt(source, k)
      -- Holes at the head go with the jobs popped (source.used counts both).
      while id == HOLE do
        source.holes, source.used, holesPassed = source.holes + 1, k, holesPassed + 1
        k = k + 1
        source.next = k
        id = listedAt(source, k)
      end
      if not id then return nil end
      local raw = redis.call("HGET", JOBS, id)
      local header = raw and decodeRecord(raw)
      local score = header and tonumber(readyScore({ at = header.at })) or source.floor
      if score < source.floor then score = source.floor end
      source.floor = score
      source.current = { id = id, score = score, position = k }
    end
    source.current.typeIndex = source.typeIndex
    return source.current
  end

  -- A total order: on equal scores zset entries (by id) come before list entries (by type, then position).
  local function ranksBefore(x, y)
    if x.score ~= y.score then return x.score < y.score end
    if (x.position == nil) ~= (y.position == nil) then return x.position == nil end
    if x.position == nil then return x.id < y.id end
    if x.typeIndex ~= y.typeIndex then return x.typeIndex < y.typeIndex end
    return x.position < y.position
  end

  while #picked < wanted do
    local best
    for _, source in ipairs(sources) do
      local c = candidateOf(source)
      if c and (best == nil or ranksBefore(c, best.current)) then best = source end
    end
    if not best then break end
    local c = best.current
    if c.position then
      best.used = c.position
    else
      redis.call("ZREM", typeKeys(c.typeIndex).ready, c.id)
    end
    pick(c.id, c.typeIndex)
    best.current, best.next = nil, best.next + 1
  end
  for _, source in ipairs(sources) do
    if source.listed and source.used > 0 then
      local tk = typeKeys(source.typeIndex)
      redis.call("LPOP", tk.queue, source.used)
      holesPopped(HOLES, tk.name, source.holes)
    end
  end
end

local deadline = now + leaseMs
local deadlineText = exact(deadline)
local result = { "0", "", deadline }
local taken = handed
for _, p in ipairs(picked) do taken[#taken + 1] = p end
local ids = {}
for k, p in ipairs(taken) do ids[k] = p.id end
local raws = hmgetAll(JOBS, ids)
local records, leases = {}, {}
local deferredTypes = {}
for k, p in ipairs(taken) do
  local raw = raws[k]
  if raw then
    local header, newlineOrReason, statusGiven = decodeHeader(raw, typeKeys(p.typeIndex).name)
    local h = header and header.h
    if p.deferred and (not header or header.s ~= "deferred") then
      -- Cancelled, retried or destroyed since it was deferred: its entry was stale.
    elseif header and p.handed and (header.s ~= "executing" or header.a ~= 1) then
      -- No longer the first attempt it was handed over as: recovered (its lease ran out while nobody
      -- popped it), then perhaps claimed or settled. Nothing is left to take.
    elseif header and p.handed and header.cx then
      -- Cancelled before any pool popped it: it ends here, its attempt undone, as it never started.
      local tk = typeKeys(p.typeIndex)
      header.a, header.st, header.w = nil, nil, nil
      redis.call("ZREM", tk.executing, p.id)
      endCancelled(tk, p.id, header, now)
      records[#records + 1] = p.id
      records[#records + 1] = encodeRecord(header, payloadOf(raw, newlineOrReason))
    elseif header and h ~= nil and h ~= newest[p.typeIndex] and not knowsIdentity(known[p.typeIndex], h) then
      -- A contract this pool's build does not know: left for a pool that knows it, no attempt used.
      local tk = typeKeys(p.typeIndex)
      if p.handed then
        header.a = header.a > 1 and header.a - 1 or nil
        header.st, header.w = nil, nil
        redis.call("ZREM", tk.executing, p.id)
      end
      if isIdentityText(h) then
        deferJob(tk, p.id, header, now, deferMs)
        deferredTypes[tk.wake] = true
      else
        rejectUnknown(tk, p.id, header, known[p.typeIndex], now)
      end
      records[#records + 1] = p.id
      records[#records + 1] = encodeRecord(header, payloadOf(raw, newlineOrReason))
    elseif header then
      local record
      if plainPoolId and not p.handed and not statusGiven and header.a == nil and header.st == nil and header.ft == nil and header.w == nil then
        -- Its first attempt, and the header holds no run field, in any spelling (it was decoded):
        -- they go in front of it (includes/leased-record.lua).
        header.a = 1
        record = firstLease .. string.sub(raw, 2)
      else
        if not p.handed then header.a = (header.a or 0) + 1 end
        header.s, header.st, header.ft, header.w, header.df, header.dl = "executing", now, nil, poolId, nil, nil
        record = encodeRecord(header, payloadOf(raw, newlineOrReason))
      end
      records[#records + 1] = p.id
      records[#records + 1] = record
      pushTo(leases, typeKeys(p.typeIndex).executing, deadlineText, p.id)
      result[#result + 1] = p.id
      result[#result + 1] = record
    else
      quarantine(JOBS, typeKeys(p.typeIndex).failed, p.id, typeKeys(p.typeIndex).name, raw, newlineOrReason, now)
    end
  end
end
batchCall("HSET", JOBS, records)
for key, members in pairs(leases) do batchCall("ZADD", key, members) end
for wakeKey in pairs(deferredTypes) do wake(wakeKey) end

local earliest = earliestScheduled()
if earliest then result[2] = exact(earliest) end

if #picked < wanted and not holeLimited then
  result[1] = "1"
  if waitMs > 0 then
    for _, i in ipairs(active) do
      local idle = typeKeys(i).idle
      -- Entries whose wait has ended, a dead pool's among them, go as the pool registers.
      redis.call("ZREMRANGEBYSCORE", idle, "-inf", now)
      redis.call("ZADD", idle, now + waitMs, idleEntries[i])
    end
  end
elseif justWoken and #picked == wanted then
  -- This pool took a full batch; more may be waiting, so let the next idle pool look too.
  for _, i in ipairs(active) do
    local tk = typeKeys(i)
    if redis.call("ZCARD", tk.ready) > 0 or redis.call("LLEN", tk.queue) > 0 then wake(tk.wake) end
  end
end
return result
