#!lua
-- Reads, per job type, what the stats operation tells beyond the counts: how many waiting jobs are
-- delayed, the run-at of the due job that has waited longest, and the last hour's throughput.
-- Changes nothing.
-- @keys jobs ready scheduled queue throughput
-- @include keys
-- @include record
-- @include score
-- @include holes
-- @include batch
-- @include throughput
--
-- Input (after the key layout of includes/keys.lua): nothing of its own.
-- Output: { now ms, then 4 values per type: delayed (scheduled:<T> entries whose run-at is still
--   ahead), the earliest run-at among due jobs or -1 when none is due, and the finished and failed
--   counts of throughput:<T> summed over the last HOUR_MINUTES minutes (the current one included) }
--
-- Due jobs are the head of queue:<T> (read from its record; holes a bulk cancel left are passed over
-- without a read, up to QUEUE_LOOKAHEAD entries, and entries whose job left the queue up to
-- RECORD_READS of them), the earliest run-at in each priority of ready:<T> (one lookup per priority
-- present), and scheduled:<T> entries already due but not yet promoted.

-- Bounds on one type's cost: entries looked at (read PAGE at a time) and records read.
local QUEUE_LOOKAHEAD = 1000
local PAGE = 100
local RECORD_READS = 16
local HOUR_MINUTES = 60

local now = nowMs()
local result = { now }

local function queueHeadRunAt(tk)
  local reads = 0
  for from = 0, QUEUE_LOOKAHEAD - 1, PAGE do
    local ids = redis.call("LRANGE", tk.queue, from, from + PAGE - 1)
    for _, id in ipairs(ids) do
      if id ~= HOLE then
        local raw = redis.call("HGET", JOBS, id)
        local header = raw and decodeRecord(raw)
        if header and header.s == "queued" then return header.at end
        reads = reads + 1
        if reads == RECORD_READS then return nil end
      end
    end
    if #ids < PAGE then return nil end
  end
  return nil
end

-- One HMGET of the hour's fields (includes/throughput.lua names them).
local hourFields = {}
local currentMinute = math.floor(now / MINUTE_MS)
for m = currentMinute - HOUR_MINUTES + 1, currentMinute do
  hourFields[#hourFields + 1] = m .. ":finished"
  hourFields[#hourFields + 1] = m .. ":failed"
end
local function lastHour(tk)
  local values = redis.call("HMGET", tk.throughput, unpack(hourFields))
  local finished, failed = 0, 0
  for k = 1, #values, 2 do
    finished = finished + (tonumber(values[k]) or 0)
    failed = failed + (tonumber(values[k + 1]) or 0)
  end
  return finished, failed
end

-- The ready score is priority band * TIME_SPAN_MS + run-at since TIME_BASE_MS: each band's lowest
-- score is its earliest run-at, and the next band starts at the next multiple of TIME_SPAN_MS.
local function readyEarliestRunAt(tk)
  local earliest
  local from = "-inf"
  while true do
    local entry = redis.call("ZRANGEBYSCORE", tk.ready, from, "+inf", "WITHSCORES", "LIMIT", 0, 1)
    if #entry == 0 then return earliest end
    local score = tonumber(entry[2])
    local band = math.floor(score / TIME_SPAN_MS)
    local at = TIME_BASE_MS + score - band * TIME_SPAN_MS
    if not earliest or at < earliest then earliest = at end
    from = (band + 1) * TIME_SPAN_MS
  end
end

for i = 1, TYPE_COUNT do
  local tk = typeKeys(i)
  local delayed = redis.call("ZCOUNT", tk.scheduled, "(" .. exact(now), "+inf")
  local earliest = queueHeadRunAt(tk)
  local readyAt = readyEarliestRunAt(tk)
  if readyAt and (not earliest or readyAt < earliest) then earliest = readyAt end
  local head = redis.call("ZRANGE", tk.scheduled, 0, 0, "WITHSCORES")
  local scheduledAt = head[2] and tonumber(head[2])
  if scheduledAt and scheduledAt <= now and (not earliest or scheduledAt < earliest) then earliest = scheduledAt end
  local finished, failed = lastHour(tk)
  result[#result + 1] = delayed
  result[#result + 1] = earliest or -1
  result[#result + 1] = finished
  result[#result + 1] = failed
end
return result
