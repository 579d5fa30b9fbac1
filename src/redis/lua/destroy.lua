#!lua
-- Deletes one job and every trace of it. Safe to repeat: a missing job is not an error.
-- @include keys
--
-- Input (after the shared layout in includes/keys.lua, with the job's one type):
-- ARGV[ARG0]   job id
-- Output: 1 when a job was deleted, 0 when there was none
-- A job destroyed while it runs stays gone: its pool's settle finds no record and writes nothing.

local id = ARGV[ARG0]
removeFromAllSets(typeKeys(1), id)
return redis.call("HDEL", JOBS, id)
