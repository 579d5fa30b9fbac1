#!lua
-- Deletes one job and every trace of it. Safe to repeat: a missing job is not an error.
-- @keys jobs ready scheduled executing finished failed cancelled rejected queue deferred
-- @include keys
-- @include record
-- @include deferral
-- @include queue-removal
-- @include remove-job
--
-- Input (after the key layout of includes/keys.lua, with the job's type; or, for a record whose type
-- cannot be read, every type it may be filed under):
-- ARGV[ARG0]   job id
-- Output: 1 when a job was deleted, 0 when there was none
-- A job destroyed while it runs stays gone: its pool's settle finds no record and writes nothing.

local id = ARGV[ARG0]
local raw = redis.call("HGET", JOBS, id)
-- Without a record there is nothing in the queue list to walk for; stray set entries still go.
local status, header = "gone", nil
if raw then
  header = decodeRecord(raw)
  status = header and header.s
end
for i = 1, TYPE_COUNT do removeFromAllSets(typeKeys(i), id, status, header) end
return redis.call("HDEL", JOBS, id)
