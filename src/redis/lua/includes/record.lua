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
--   to timeout ms, h schema hash, sl the slot (run-at) of a recurring run being retried [at],
--   tp the W3C traceparent of the span that scheduled the job, ts its tracestate [none: no tracer],
--   df deferred since ms, dl the deadline of that deferral ms (status deferred: includes/deferral.lua).

local NUMERIC_FIELDS = { "at", "pr", "r", "f", "a", "rc", "c", "st", "ft", "ev", "to", "sl" }

-- Returns header, the position of the newline that ends it, and whether the header names its status
-- (queued is the default); or nil and the reason the record cannot be read. The checks match the
-- pool's (redis/record.ts), so a record a script accepts is one a pool can run. With `expectedType`,
-- a record filed in the sets of another type than its own is refused too: a pool must never be
-- handed a job of a type it did not ask for. The payload is left in the record: Redis's Lua hashes
-- every string it makes in full, and a claim's first lease never needs the payload apart.
local function decodeHeader(record, expectedType)
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
  local statusGiven = header.s ~= nil
  header.s = header.s or "queued"
  return header, newline, statusGiven
end

-- The payload: the text after the header line that ends at `newline`.
local function payloadOf(record, newline)
  return string.sub(record, newline + 1)
end

-- As decodeHeader, with the payload in place of the newline's position.
local function decodeRecord(record, expectedType)
  local header, newline, statusGiven = decodeHeader(record, expectedType)
  if not header then return nil, newline end
  return header, payloadOf(record, newline), statusGiven
end

-- Defaults are left out: a waiting job's record is most of the memory it takes.
-- (claim.lua and settle.lua write the record of an ordinary attempt without it: includes/leased-record.lua.)
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
-- Redis 7 writes it with every digit itself, through printf, once per argument; a number passed for
-- every job of a batch (a lease's deadline, a settle's time) is cheaper made text once.
-- The last number asked for is remembered: a batch asks for the same one (its run-at, its time) per job.
local lastExact, lastExactText
local function exact(n)
  if n ~= lastExact then lastExact, lastExactText = n, string.format("%.0f", n) end
  return lastExactText
end

local function nowMs()
  local time = redis.call("TIME")
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
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
