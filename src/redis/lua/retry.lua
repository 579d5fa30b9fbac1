#!lua
-- Queues a failed, rejected or cancelled job again now, with a fresh retry budget
-- (includes/retry-run.lua), and wakes an idle pool of its type. A deferred one is queued again now
-- too: a pool that knows its identity runs it; one that does not defers it afresh.
-- @keys jobs ready failed cancelled rejected wake queue deferred
-- @include keys
-- @include record
-- @include batch
-- @include queues
-- @include retry-run
-- @include deferral
--
-- Input (after the key layout of includes/keys.lua, with the job's one type):
-- ARGV[ARG0]   job id
-- Output: { code, detail } with code 'queued' | 'missing' | 'state' (detail: its status, which a
--   retry does not take) | 'corrupt' (unreadable, or quarantined as such: its bytes stay as they are)
--   | 'other-type' (detail: the record's type, whose keys the caller passes next)

local now = nowMs()
local id = ARGV[ARG0]
local tk = typeKeys(1)
local raw = redis.call("HGET", JOBS, id)
if not raw then return { "missing", "" } end
local header, payload = decodeRecord(raw)
if not header or isQuarantined(header) then return { "corrupt", "" } end
if header.t ~= tk.name then return { "other-type", header.t } end
if header.s == "deferred" then
  undefer(tk, id, header)
elseif RETRYABLE[header.s] then
  redis.call("ZREM", tk[header.s], id)
else
  return { "state", header.s }
end
retryRun(tk, id, header, now)
wake(tk.wake)
redis.call("HSET", JOBS, id, encodeRecord(header, payload))
return { "queued", "queued" }
