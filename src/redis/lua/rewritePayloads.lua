#!lua
-- Gives waiting jobs a new payload and contract identity (`jobs-gen migrate`), each only while its
-- record is still exactly the one the caller read: a compare-and-set. The caller reads only queued
-- jobs, so an equal record is a job still waiting; one claimed, cancelled, rescheduled or rewritten
-- meanwhile differs (its status, attempts, run-at or identity changed) and is left as it is. The job
-- stays where it waits: its id, run-at and priority are unchanged.
-- @keys jobs
-- @include keys
--
-- Input (after the key layout of includes/keys.lua, with no job types):
-- ARGV[ARG0..] triples: id, the record as read, the record to write
-- Output: per triple, 1 when rewritten, 0 when skipped

local result = {}
for i = ARG0, #ARGV, 3 do
  local id, expected, replacement = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call("HGET", JOBS, id) == expected then
    redis.call("HSET", JOBS, id, replacement)
    result[#result + 1] = 1
  else
    result[#result + 1] = 0
  end
end
return result
