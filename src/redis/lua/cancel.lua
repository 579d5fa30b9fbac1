#!lua
-- Cancels one job. A queued job is cancelled at once; an executing one is marked, and its pool
-- ends it as cancelled whatever its outcome (and is told through its next lease renewal).
-- @keys jobs ready scheduled cancelled queue deferred
-- @include keys
-- @include record
-- @include end-cancelled
-- @include deferral
-- @include queue-removal
--
-- Input (after the key layout of includes/keys.lua, with the job's one type):
-- ARGV[ARG0]   job id
-- Output: { code, status after } with code 'cancelled' | 'requested' (executing: ends cancelled) |
--   'unchanged' (already finished, failed, rejected or cancelled) | 'missing' | 'other-type'
--   (the record's type is not the one whose keys were passed: the caller retries with the right keys)

local now = nowMs()
local id = ARGV[ARG0]
local tk = typeKeys(1)
local raw = redis.call("HGET", JOBS, id)
if not raw then return { "missing", "" } end
local header, payload = decodeRecord(raw)
if not header then return { "unchanged", "corrupt" } end
if header.t ~= tk.name then return { "other-type", header.t } end
if header.s == "queued" then
  -- Most queued jobs are in the queue list, which LREM walks.
  if redis.call("ZREM", tk.scheduled, id) == 0 and redis.call("ZREM", tk.ready, id) == 0 then
    removeFromQueue(tk, id, header.at)
  end
  endCancelled(tk, id, header, now)
  redis.call("HSET", JOBS, id, encodeRecord(header, payload))
  return { "cancelled", "cancelled" }
end
if header.s == "deferred" then
  undefer(tk, id, header)
  endCancelled(tk, id, header, now)
  redis.call("HSET", JOBS, id, encodeRecord(header, payload))
  return { "cancelled", "cancelled" }
end
if header.s == "executing" then
  header.cx = true
  redis.call("HSET", JOBS, id, encodeRecord(header, payload))
  return { "requested", "executing" }
end
return { "unchanged", header.s }
