-- One batch of a bulk action's selection (src/ops/bulk.ts): the next entries of one source key of
-- one job type, and which of them the selection takes. Each call examines at most a batch, so Redis
-- answers other clients between calls; the caller passes the cursor back until the source is done.
-- (Uses includes/record.lua and includes/batch.lua.)
--
-- The bulk scripts' input, after the key layout of includes/keys.lua (with the one job type):
-- ARGV[ARG0]     source: the key kind examined ('ready', 'scheduled', 'queue', 'deferred', or an ended
--                status)
-- ARGV[ARG0+1]   cursor, first part: for a zset, the score of the last entry examined ('' to begin);
--                for the queue list, the index of the next entry
-- ARGV[ARG0+2]   cursor, second part: for a zset, the member of the last entry examined; for the
--                queue list, the anchor: the id of the entry at that index ('' when none is known)
-- ARGV[ARG0+3]   the most entries to examine in this call
-- ARGV[ARG0+4]   cutoff ms: only jobs that entered their status before it (ended ones by end time,
--                the zset's score, where the scan stops; queued ones by creation time). The caller
--                passes at most Redis's time when the action began, so jobs that end or are created
--                during the action are left alone and the scan of an ended zset ends.
-- ARGV[ARG0+5]   where: JSON [[path segments], value] pairs the payload must hold, or '' for any
-- ARGV[ARG0+6]   the most record bytes to examine in this call: the batch stops after the entry whose
--                record passes it (so it always takes one), its cursor just after that entry
-- Their output: { scanned, matched, changed, done ('1' when the source is examined to its end),
--   cursor first part, cursor second part }

-- How far back from where the last call stopped the list's anchor is looked for: claims pop the head
-- between calls, so it moves towards the head.
local ANCHOR_LOOKBACK = 1000
-- Entries read past a list batch to find the next anchor (holes cannot be one).
local ANCHOR_PEEK = 32

local function bulkSelection()
  local where = ARGV[ARG0 + 5]
  return {
    source = ARGV[ARG0],
    c1 = ARGV[ARG0 + 1],
    c2 = ARGV[ARG0 + 2],
    batch = tonumber(ARGV[ARG0 + 3]),
    cutoff = tonumber(ARGV[ARG0 + 4]),
    where = where ~= "" and cjson.decode(where) or nil,
    maxBytes = tonumber(ARGV[ARG0 + 6]),
  }
end

-- Redis orders a zset's equal scores by member bytes; Lua's '<' on strings follows the locale.
local function bytesAfter(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end

-- The rank of the first entry after (score, member): past the entries of lower score (ZCOUNT), then
-- a binary search among those of equal score, which may be many (jobs ended in the same ms). The
-- entry itself may be gone: the action removed it.
local function rankAfter(key, score, member)
  local lo = redis.call("ZCOUNT", key, "-inf", "(" .. score)
  local hi = lo + redis.call("ZCOUNT", key, score, score)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if bytesAfter(redis.call("ZRANGE", key, mid, mid)[1], member) then hi = mid else lo = mid + 1 end
  end
  return lo
end

-- The next batch of a zset: { id, score, member } entries, whether the zset is done, and the next
-- cursor. A member is the job's id unless the action's `idOf` says otherwise (deferred:<T>'s members
-- carry the id after the identity and deadline they sort by).
local function zsetBatch(key, sel, boundByScore, action)
  local start = sel.c1 == "" and 0 or rankAfter(key, sel.c1, sel.c2)
  local reply = redis.call("ZRANGE", key, start, start + sel.batch - 1, "WITHSCORES")
  local entries = {}
  local done = #reply < sel.batch * 2
  for k = 1, #reply, 2 do
    if boundByScore and tonumber(reply[k + 1]) >= sel.cutoff then
      done = true
      break
    end
    local member = reply[k]
    entries[#entries + 1] = { id = action.idOf and action.idOf(member) or member, score = reply[k + 1], member = member }
  end
  local last = entries[#entries]
  if not last then return entries, true, sel.c1, sel.c2 end
  return entries, done, last.score, last.member
end

-- Where the last call's anchor is now: claims pop the head meanwhile. Not found within the lookback,
-- it was popped or moved: the list is examined again from its head (entries kept are re-examined,
-- which changes nothing).
local function listStart(key, index, anchor)
  if anchor == "" then return index end
  if redis.call("LINDEX", key, index) == anchor then return index end
  local from = math.max(0, index - ANCHOR_LOOKBACK)
  if index > from then
    local back = redis.call("LRANGE", key, from, index - 1)
    for k = #back, 1, -1 do
      if back[k] == anchor then return from + k - 1 end
    end
  end
  return 0
end

-- The next batch of the queue list: { id, position } entries (holes skipped), whether the list is
-- done, and the next cursor: the index after the batch and the id found there. Without an id there
-- (a run of holes), the index alone is the cursor.
local function listBatch(key, sel)
  local start = listStart(key, tonumber(sel.c1), sel.c2)
  local reply = redis.call("LRANGE", key, start, start + sel.batch + ANCHOR_PEEK - 1)
  local entries = {}
  local limit = math.min(#reply, sel.batch)
  for k = 1, limit do
    if reply[k] ~= HOLE then entries[#entries + 1] = { id = reply[k], position = start + k - 1 } end
  end
  if #reply <= sel.batch then return entries, true, start + #reply, "" end
  for k = sel.batch + 1, #reply do
    if reply[k] ~= HOLE then return entries, false, start + k - 1, reply[k] end
  end
  return entries, false, start + #reply, ""
end

-- The source is one of the keys the script declares (src/redis/scripts/bulk.ts passes only those).
local function sourceBatch(tk, sel, action)
  local key = tk[sel.source]
  if sel.source == "queue" then return listBatch(key, sel) end
  local ended = sel.source ~= "ready" and sel.source ~= "scheduled" and sel.source ~= "deferred"
  return zsetBatch(key, sel, ended, action)
end

-- A payload field by its path: object keys, or array indexes from 0.
local function fieldAt(doc, path)
  local value = doc
  for _, segment in ipairs(path) do
    if type(value) ~= "table" then return nil end
    local nextValue = value[segment]
    if nextValue == nil and string.find(segment, "^%d+$") then nextValue = value[tonumber(segment) + 1] end
    value = nextValue
  end
  return value
end

-- Whether a job the source holds is one the selection takes: of the type, old enough, and with
-- every `where` field equal to its value (cjson decodes JSON null to the same cjson.null).
local function selects(sel, tk, header, payload)
  if header.t ~= tk.name then return false end
  local waiting = sel.source == "ready" or sel.source == "scheduled" or sel.source == "queue" or sel.source == "deferred"
  if waiting and (header.c or header.at) >= sel.cutoff then
    return false
  end
  if not sel.where then return true end
  local ok, doc = pcall(cjson.decode, payload)
  if not ok then return false end
  for _, condition in ipairs(sel.where) do
    if fieldAt(doc, condition[1]) ~= condition[2] then return false end
  end
  return true
end

-- The entries whose records fit the byte budget (HSTRLEN reads a length, not the record): at least
-- one, and the cursor moved back to just after the last one kept when the rest do not fit.
local function withinBytes(sel, entries, done, c1, c2)
  local bytes = 0
  for k = 1, #entries - 1 do
    bytes = bytes + redis.call("HSTRLEN", JOBS, entries[k].id)
    if bytes >= sel.maxBytes then
      local kept = { unpack(entries, 1, k) }
      if sel.source == "queue" then return kept, false, entries[k + 1].position, entries[k + 1].id end
      return kept, false, entries[k].score, entries[k].member
    end
  end
  return entries, done, c1, c2
end

-- Examines the next batch: `action.apply(entry, header, payload)` is called for each job selected,
-- and returns true when it changed the job (one that moved on meanwhile is selected but left alone).
-- An entry whose record is missing or cannot be read is passed to `action.unreadable(entry, raw)`,
-- when the action has one (raw is false for a missing record); true counts it matched and changed.
-- `action.idOf(member)`, when given, reads a job id from a zset member of the source.
local function runBatch(tk, sel, action)
  local entries, done, c1, c2 = withinBytes(sel, sourceBatch(tk, sel, action))
  local ids = {}
  for k, entry in ipairs(entries) do ids[k] = entry.id end
  local raws = hmgetAll(JOBS, ids)
  local matched, changed = 0, 0
  for k, entry in ipairs(entries) do
    local raw = raws[k]
    local header, payload
    if raw then header, payload = decodeRecord(raw) end
    if header and selects(sel, tk, header, payload) then
      matched = matched + 1
      if action.apply(entry, header, payload) then changed = changed + 1 end
    elseif not header and action.unreadable and action.unreadable(entry, raw) then
      matched, changed = matched + 1, changed + 1
    end
  end
  return { #entries, matched, changed, done and "1" or "0", c1, c2 }
end
