#!lua
-- Drops from the recurring index the ids a reader found stale, after checking each again here: a job
-- made recurring (or scheduled again under the same id) since the reader looked is kept.
-- @keys jobs recurring
-- @include keys
-- @include record
-- @include batch
--
-- Input (after the key layout of includes/keys.lua, with no job types):
-- ARGV[ARG0..] ids the reader found gone or no longer recurring
-- Output: the number of ids found stale again, now out of the index.
--
-- An id whose record cannot be read stays: it is left for an operator, not judged here.

local stale = {}
for i = ARG0, #ARGV do
  local id = ARGV[i]
  local raw = redis.call("HGET", JOBS, id)
  local header = raw and decodeRecord(raw)
  if not raw or (header and not header.ev and not header.cr) then stale[#stale + 1] = id end
end
batchCall("SREM", RECURRING, stale)
return #stale
