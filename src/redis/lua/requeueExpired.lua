#!lua
-- Puts back the jobs whose lease expired: their pool died, was cut off, or stopped renewing.
-- Any live pool runs this, on a timer, for the types it handles.
-- @keys jobs pools poolinfo ready executing failed cancelled wake queue throughput
-- @include keys
-- @include record
-- @include batch
-- @include queues
-- @include end-cancelled
-- @include throughput
--
-- Input (after the key layout of includes/keys.lua):
-- ARGV[ARG0]     the most jobs to recover per type in this call
-- ARGV[ARG0+1]   the most recoveries a job may have; one more and it fails with LeaseExpiredError,
--                so a job that kills every pool that runs it cannot loop for ever
-- ARGV[ARG0+2]   pools whose heartbeat is older than this many ms are dropped from <ns>:pools, and
--                what they published from <ns>:poolinfo
-- ARGV[ARG0+3]   '1' to count the jobs failed here in each type's throughput series (as settle.lua
--                counts failed attempts), '0' not to
-- Output: flat array, 3 values per job: id, 'requeued' | 'failed' | 'cancelled' | 'corrupt', and the
--   1-based index of its type among the KEYS' types
--   (an expired entry whose job is no longer executing is dropped, the job untouched and not listed)
--
-- A recovery does not use up a retry: the attempt did not fail, its pool did.

local now = nowMs()
local limit = tonumber(ARGV[ARG0])
local maxRecoveries = tonumber(ARGV[ARG0 + 1])
local deadPools = redis.call("ZRANGEBYSCORE", POOLS, "-inf", now - tonumber(ARGV[ARG0 + 2]))
if #deadPools > 0 then
  redis.call("ZREM", POOLS, unpack(deadPools))
  redis.call("HDEL", POOLINFO, unpack(deadPools))
end
local counting = ARGV[ARG0 + 3] == "1"
local result = {}
local front = {}
for i = 1, TYPE_COUNT do
  local tk = typeKeys(i)
  local failed = 0
  local expired = redis.call("ZRANGEBYSCORE", tk.executing, "-inf", now, "LIMIT", 0, limit)
  for _, id in ipairs(expired) do
    redis.call("ZREM", tk.executing, id)
    local raw = redis.call("HGET", JOBS, id)
    if raw then
      local header, payload = decodeRecord(raw)
      local outcome
      if not header then
        quarantine(JOBS, tk.failed, id, tk.name, raw, payload, now)
        outcome = "corrupt"
      elseif header.s ~= "executing" then
        -- A lease entry left behind by a job that has already moved on: dropping the entry is all
        -- there is to do. Requeueing would run a finished job again.
        outcome = nil
      else
        header.rc = (header.rc or 0) + 1
        if header.cx then
          endCancelled(tk, id, header, now)
          outcome = "cancelled"
        elseif header.rc > maxRecoveries then
          header.s, header.ft = "failed", now
          header.e = {
            name = "LeaseExpiredError",
            message = "job " .. id .. " lost its lease " .. header.rc .. " times (pool " .. tostring(header.w)
              .. " stopped renewing it); giving up",
          }
          redis.call("ZADD", tk.failed, now, id)
          failed = failed + 1
          outcome = "failed"
        else
          header.s = "queued"
          enqueueReady(tk, id, header, front)
          wake(tk.wake)
          outcome = "requeued"
        end
        redis.call("HSET", JOBS, id, encodeRecord(header, payload))
      end
      if outcome then
        result[#result + 1] = id
        result[#result + 1] = outcome
        result[#result + 1] = i
      end
    end
  end
  -- One write per type and call, not per job.
  if counting and failed > 0 then countThroughput(tk.throughput, now, 0, failed) end
end
pushFront(front)
return result
