#!lua
-- Queues an existing job again for a new time, from any status but executing, and optionally
-- changes its recurrence. Its failures, lease recoveries and cancel request are cleared. A job made
-- recurring joins the namespace's recurring index (a job made one-off is dropped from it by its readers).
-- @keys jobs recurring ready scheduled executing finished failed cancelled rejected wake queue deferred
-- @include keys
-- @include record
-- @include batch
-- @include queues
-- @include enqueue
-- @include deferral
-- @include queue-removal
-- @include remove-job
--
-- Input (after the key layout of includes/keys.lua, with the job's one type):
-- ARGV[ARG0]     job id
-- ARGV[ARG0+1]   run at, absolute ms, or '' to run after the delay
-- ARGV[ARG0+2]   delay ms after Redis's clock (used when run at is '')
-- ARGV[ARG0+3]   recurrence: '' keeps it; else JSON {ev?, cr?, tz?} replacing it ({} makes it one-off)
-- Output: { code, status } with code 'queued' | 'executing' (refused: it is running) | 'missing' |
--   'corrupt' | 'other-type'

local now = nowMs()
local id = ARGV[ARG0]
local tk = typeKeys(1)
local raw = redis.call("HGET", JOBS, id)
if not raw then return { "missing", "" } end
local header, payload = decodeRecord(raw)
if not header then return { "corrupt", "" } end
if header.t ~= tk.name then return { "other-type", header.t } end
if header.s == "executing" then return { "executing", "executing" } end
removeFromAllSets(tk, id, header.s, header)
header.s = "queued"
moveRunAt(header, tonumber(ARGV[ARG0 + 1]) or (now + tonumber(ARGV[ARG0 + 2])))
-- A new run: its failures, lease recoveries and cancel request start from nothing.
header.f, header.rc, header.cx, header.ft, header.sl = nil, nil, nil, nil, nil
if ARGV[ARG0 + 3] ~= "" then
  local recurrence = cjson.decode(ARGV[ARG0 + 3])
  header.ev, header.cr, header.tz = recurrence.ev, recurrence.cr, recurrence.tz
  if header.ev or header.cr then redis.call("SADD", RECURRING, id) end
end
enqueue(tk, id, header, now)
-- Due now, or perhaps earlier than the run-at a sleeping pool waits for: either way, wake one.
wake(tk.wake)
redis.call("HSET", JOBS, id, encodeRecord(header, payload))
return { "queued", "queued" }
