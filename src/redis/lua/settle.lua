#!lua
-- Records how a batch of attempts ended, in one round trip, and moves each job on.
-- @keys jobs recurring ready scheduled executing finished failed cancelled rejected wake queue throughput
-- @include keys
-- @include record
-- @include leased-record
-- @include batch
-- @include queues
-- @include enqueue
-- @include end-cancelled
-- @include throughput
--
-- Input (after the key layout of includes/keys.lua; the types of the jobs in the batch):
-- ARGV[ARG0]   n, the number of attempts
-- ARGV[ARG0+1] the settling pool's id, which the record keeps (a job handed to an idle pool may have
--              been popped by another pool than the one it was leased to)
-- ARGV[ARG0+2] '1' to count the batch in each type's throughput series (includes/throughput.lua), '0' not to
-- then per attempt 4 values, or 7 for any outcome but 'done':
--   id
--   attempt      the attempt number the pool claimed (a); a settle for any other attempt is stale
--   type index   1-based index into the script's job types
--   outcome      'done' (a one-off job's attempt that ended well: nothing more follows; most
--                attempts, so they are sent short) | 'ok' | 'error' | 'reject' (payload failed its
--                schema: terminal, never retried)
--   error        JSON {name, message, stack?, issues?}, or '' for 'ok'
--   retry delay  ms until the retry, from the job's backoff, used when a retry remains
--   next run at  absolute ms of a recurring job's next slot, or '' for a one-off job
-- Output: one outcome per attempt, in order: 'finished' | 'retried' | 'failed' | 'rejected' |
--   'cancelled' | 'rescheduled' (recurring: queued for its next slot) | 'stale' (the lease was lost
--   and the job recovered or settled elsewhere: nothing changed) | 'gone' (destroyed meanwhile) |
--   'corrupt' (record unreadable: quarantined as failed)
--
-- Cancelling wins: a job whose cancel was requested while it ran ends cancelled, whatever the outcome
-- (except a rejected payload, which stays rejected) and whatever retries or recurrences remain.

local now = nowMs()
local n = tonumber(ARGV[ARG0])
local poolId = ARGV[ARG0 + 1]
local counting = ARGV[ARG0 + 2] == "1"
local FIRST = ARG0 + 3
local plainPoolId = isPlainText(poolId)
local nowText = exact(now)
local results = {}

-- Queues a retry or a recurring job's next run, and wakes an idle pool when the job is due now or is
-- now the earliest scheduled one: a pool asleep until a later run-at (or for its whole idle wait) must
-- not sleep through it.
local function requeue(tk, id, header)
  if enqueue(tk, id, header, now) or redis.call("ZRANGE", tk.scheduled, 0, 0)[1] == id then
    wake(tk.wake)
  end
end

-- Written once at the end, one call per key: records (HSET), leases ended (ZREM per executing key),
-- ended jobs (ZADD per finished/failed/... key).
local records, unleased, ended = {}, {}, {}
-- Recurring jobs queued for their next slot join the recurring index (SADD once): a job scheduled but
-- not yet indexed (its scheduler stopped between the two steps) or made before the index existed is
-- listed from its next run on.
local rescheduled = {}
-- Per type index: { finished, failed } attempts of this batch, written once per type at the end.
local tallies = {}
local function tally(i, finished, failed)
  local counts = tallies[i]
  if not counts then
    counts = { 0, 0 }
    tallies[i] = counts
  end
  counts[1], counts[2] = counts[1] + finished, counts[2] + failed
end
local function finish(header, id, key, status)
  header.s = status
  pushTo(ended, key, nowText, id)
end

-- Where each attempt's values start in ARGV.
local starts, ids = {}, {}
local cursor = FIRST
for j = 1, n do
  starts[j], ids[j] = cursor, ARGV[cursor]
  cursor = cursor + (ARGV[cursor + 3] == "done" and 4 or 7)
end
local raws = hmgetAll(JOBS, ids)
local seen = {}

for j = 1, n do
  local at = starts[j]
  local typeIndex = tonumber(ARGV[at + 2])
  local id, attempt, tk = ARGV[at], tonumber(ARGV[at + 1]), typeKeys(typeIndex)
  local outcome, errorJson, retryDelay, nextRunAt = ARGV[at + 3], "", 0, nil
  if outcome == "done" then
    outcome = "ok"
  else
    errorJson, retryDelay, nextRunAt = ARGV[at + 4], tonumber(ARGV[at + 5]), tonumber(ARGV[at + 6])
  end
  local raw = raws[j]
  -- The current attempt of a one-off job, ended well and not cancelled, as a claim leased it: its run
  -- fields are rewritten in place (includes/leased-record.lua), the rest kept as the claim
  -- checked it. Anything else (stale, corrupt, a retry, a recurrence, a cancel) is decoded below.
  local attemptText, startedText, rest
  if raw and outcome == "ok" and not nextRunAt and errorJson == "" and plainPoolId and not seen[id] then
    attemptText, startedText, rest = readLeasedPrefix(raw)
    local newline = rest and string.find(raw, "\n", rest, true)
    -- Searched in place: a substring of the header would be a string made (and hashed) per job.
    local cancel = newline and string.find(raw, '"cx":', rest, true)
    if not newline or tonumber(attemptText) ~= attempt or (cancel and cancel < newline) then rest = nil end
  end
  local header, payload
  if raw and not seen[id] and not rest then header, payload = decodeRecord(raw) end
  if rest then
    pushTo(unleased, tk.executing, id)
    pushTo(ended, tk.finished, nowText, id)
    records[#records + 1] = id
    records[#records + 1] = finishedRecord(attemptText, startedText, nowText, poolId, raw, rest)
    results[#results + 1] = "finished"
    if counting then tally(typeIndex, 1, 0) end
  elseif not raw then
    results[#results + 1] = "gone"
  elseif seen[id] then
    -- The same attempt twice in one batch: the first settle already moved the job on.
    results[#results + 1] = "stale"
  elseif not header then
    redis.call("ZREM", tk.executing, id)
    quarantine(JOBS, tk.failed, id, tk.name, raw, payload, now)
    results[#results + 1] = "corrupt"
  elseif header.s ~= "executing" or header.a ~= attempt then
    results[#results + 1] = "stale"
  else
    pushTo(unleased, tk.executing, id)
    header.ft, header.w = now, poolId
    if errorJson ~= "" then header.e = cjson.decode(errorJson) end
    local result
    if outcome == "reject" then
      -- The cancel request, if any, is spent: a terminal record does not keep it.
      header.cx = nil
      finish(header, id, tk.rejected, "rejected")
      result = "rejected"
    elseif header.cx then
      endCancelled(tk, id, header, now)
      result = "cancelled"
    else
      if outcome == "error" then header.f = (header.f or 0) + 1 end
      if outcome == "error" and header.f <= (header.r or 0) then
        -- An interval run's retries move its run-at; its slot is kept, so the next slot stays aligned
        -- (a cron job's next slot is found from the clock, so it needs none).
        if header.ev then header.sl = header.sl or header.at end
        header.s = "queued"
        moveRunAt(header, now + retryDelay)
        requeue(tk, id, header)
        result = "retried"
      elseif nextRunAt then
        -- The retry and recovery budgets are per run: the next slot starts with all of them, so a
        -- long-lived recurring job is not failed for pool deaths spread over its whole life.
        header.s, header.f, header.rc, header.sl = "queued", nil, nil, nil
        moveRunAt(header, nextRunAt)
        requeue(tk, id, header)
        rescheduled[#rescheduled + 1] = id
        result = "rescheduled"
      elseif outcome == "ok" then
        finish(header, id, tk.finished, "finished")
        result = "finished"
      else
        finish(header, id, tk.failed, "failed")
        result = "failed"
      end
    end
    records[#records + 1] = id
    records[#records + 1] = encodeRecord(header, payload)
    results[#results + 1] = result
    -- A run that ended well counts as finished (a recurring one too); every other attempt but a
    -- cancelled one counts as failed, whether it is retried or not.
    if counting and result ~= "cancelled" then
      if outcome == "ok" then tally(typeIndex, 1, 0) else tally(typeIndex, 0, 1) end
    end
  end
  seen[id] = true
end

batchCall("HSET", JOBS, records)
for key, members in pairs(unleased) do batchCall("ZREM", key, members) end
for key, members in pairs(ended) do batchCall("ZADD", key, members) end
if #rescheduled > 0 then batchCall("SADD", RECURRING, rescheduled) end
for i, counts in pairs(tallies) do countThroughput(typeKeys(i).throughput, now, counts[1], counts[2]) end
return results
