#!lua
-- Makes one queued job that waits in scheduled:<T> (a delay, a retry's backoff, a recurring job's
-- next slot) due now, and wakes an idle pool of its type. The pools' own promotion of due jobs is
-- promote.lua.
-- @keys jobs ready scheduled wake queue
-- @include keys
-- @include record
-- @include batch
-- @include queues
--
-- Input (after the key layout of includes/keys.lua, with the job's one type):
-- ARGV[ARG0]   job id
-- Output: { code, detail } with code 'promoted' | 'due' (queued and due already: unchanged) |
--   'missing' | 'state' (detail: its status) | 'corrupt' | 'other-type' (detail: the record's type)

local now = nowMs()
local id = ARGV[ARG0]
local tk = typeKeys(1)
local raw = redis.call("HGET", JOBS, id)
if not raw then return { "missing", "" } end
local header, payload = decodeRecord(raw)
if not header then return { "corrupt", "" } end
if header.t ~= tk.name then return { "other-type", header.t } end
if header.s ~= "queued" then return { "state", header.s } end
if redis.call("ZREM", tk.scheduled, id) == 0 then return { "due", "queued" } end
-- A recurring job keeps the slot it was promoted from: its next run is the slot after that one
-- (src/pool/run-attempt.ts), not the same slot again.
if header.ev or header.cr then header.sl = header.sl or header.at end
moveRunAt(header, now)
enqueueReady(tk, id, header)
wake(tk.wake)
redis.call("HSET", JOBS, id, encodeRecord(header, payload))
return { "promoted", "queued" }
