-- Shared by every script that reads or writes a job record.
--
-- A record is "<header JSON>\n<payload JSON>". Only the small header is decoded here; the payload
-- passes through as an opaque string, so a large payload costs Redis nothing beyond its bytes.
-- Header fields (absent means the default in brackets):
--   t type, s status [queued], at run-at ms, pr priority [0], r retries allowed [0], f failures this run [0],
--   a attempts claimed over the job's life [0], rc lease recoveries [0], c created ms [at: a job
--   created to run at once has it only once its run-at moves],
--   st started ms, ft finished ms, w pool id of the last claim, e last error {name,message,stack,issues},
--   cx cancel requested while executing, ev every ms, cr cron, tz cron time zone, bo backoff,
--   to timeout ms, h schema hash, sl the slot (run-at) of a recurring run being retried [at].

local NUMERIC_FIELDS = { "at", "pr", "r", "f", "a", "rc", "c", "st", "ft", "ev", "to", "sl" }

-- Returns header and payload; or nil and the reason the record cannot be read. The checks match the pool's (store/job-record.ts), so a
-- record a script accepts is one a pool can run. With `expectedType`, a record filed in the sets of
-- another type than its own is refused too: a pool must never be handed a job of a type it did not
-- ask for.
local function decodeRecord(record, expectedType)
  local newline = string.find(record, "\n", 1, true)
  if not newline then return nil, "the record has no header line" end
  local ok, header = pcall(cjson.decode, string.sub(record, 1, newline - 1))
  if not ok or type(header) ~= "table" then return nil, "the record header is not a JSON object" end
  if type(header.t) ~= "string" then return nil, "the record header has no job type" end
  -- A numeric for, not ipairs: ipairs calls its iterator once per field, and this runs for every
  -- record every script reads.
  for i = 1, #NUMERIC_FIELDS do
    local field = NUMERIC_FIELDS[i]
    local value = header[field]
    if value ~= nil and type(value) ~= "number" then
      return nil, "the record header field '" .. field .. "' is not a number"
    end
  end
  if header.at == nil then return nil, "the record header has no run-at" end
  if expectedType and header.t ~= expectedType then
    return nil, "the record is of type '" .. header.t .. "' but is filed under '" .. expectedType .. "'"
  end
  header.s = header.s or "queued"
  return header, string.sub(record, newline + 1)
end

-- Defaults are left out: a waiting job's record is most of the memory it takes.
local function encodeRecord(header, payload)
  local status = header.s
  if status == "queued" then header.s = nil end
  local text = cjson.encode(header) .. "\n" .. payload
  header.s = status
  return text
end

-- A job's creation time is its run-at until the run-at first moves (see c above).
local function moveRunAt(header, at)
  header.c = header.c or header.at
  header.at = at
end

-- Lua turns large numbers into "1.2e+15" when it converts them to strings, so text we build (a
-- record's JSON, a reply) is given every digit here. A number passed to redis.call needs no help:
-- Redis 7 writes it with every digit itself, and a string made for it would be garbage for Lua's
-- collector on every call.
local function exact(n)
  return string.format("%.0f", n)
end

local function nowMs()
  local time = redis.call("TIME")
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- Ready queues order by priority (higher first), then by run-at (earlier first), in one exact
-- double: 11 bits of priority above 42 bits of milliseconds since 2025-01-01 (139 years).
local PRIORITY_MAX = 1023
local TIME_BASE_MS = 1735689600000
local TIME_SPAN_MS = 4398046511104

local function readyScore(header)
  local sinceBase = (header.at or 0) - TIME_BASE_MS
  if sinceBase < 0 then sinceBase = 0 end
  if sinceBase >= TIME_SPAN_MS then sinceBase = TIME_SPAN_MS - 1 end
  return (PRIORITY_MAX - (header.pr or 0)) * TIME_SPAN_MS + sinceBase
end

-- Many fields or members per call instead of one call each: a script pays Redis's per-call cost once
-- per batch. Chunks keep every call under Lua's unpack limit; BATCH_ARGS is even, so pairs stay whole.
local BATCH_ARGS = 1000

local function batchCall(command, key, args)
  for i = 1, #args, BATCH_ARGS do
    redis.call(command, key, unpack(args, i, math.min(i + BATCH_ARGS - 1, #args)))
  end
end

-- HMGET for any number of ids: the values in order, false where a field is missing.
local function hmgetAll(key, ids)
  local values = {}
  for i = 1, #ids, BATCH_ARGS do
    local part = redis.call("HMGET", key, unpack(ids, i, math.min(i + BATCH_ARGS - 1, #ids)))
    for k = 1, #part do values[#values + 1] = part[k] end
  end
  return values
end

-- Appends to the list kept under `name` in `lists`, creating it on first use.
local function pushTo(lists, name, a, b)
  local list = lists[name]
  if not list then
    list = {}
    lists[name] = list
  end
  list[#list + 1] = a
  if b ~= nil then list[#list + 1] = b end
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

-- Puts a queued job where a pool will find it: ready when due, else the schedule.
-- Returns true when the job is ready.
local function enqueue(tk, id, header, now)
  if (header.at or 0) <= now then
    enqueueReady(tk, id, header)
    return true
  end
  redis.call("ZADD", tk.scheduled, header.at, id)
  return false
end

-- Wakes one idle pool blocked on this type; one token is enough, the woken pool passes it on.
local function wake(wakeKey)
  if redis.call("LLEN", wakeKey) == 0 then
    redis.call("RPUSH", wakeKey, "1")
  end
end

-- A record that cannot be read is kept, not dropped: it becomes a failed job whose payload is
-- the original bytes, so an operator can still see and repair what was there.
local function quarantine(jobsKey, failedKey, id, typeName, raw, reason, now)
  local header = {
    t = typeName, s = "failed", at = now, ft = now,
    e = { name = "CorruptJobRecordError", message = "job " .. id .. ": " .. reason },
  }
  redis.call("HSET", jobsKey, id, encodeRecord(header, cjson.encode(raw)))
  redis.call("ZADD", failedKey, now, id)
end
