#!lua
-- Schedules one job due now at priority 0 onto its type's queue, only if that queue already holds
-- jobs: scheduleOne.lua's commonest case, a busy system, sent with the two keys it touches instead
-- of scheduleOne's nine and no type name (each key and argument costs Redis about a thousand
-- instructions to read, and this call's time is the caller's latency). A push onto a queue that
-- already held jobs is all such a job needs, as in scheduleOne.lua: no pool waits idle while jobs
-- queue, and the push that filled the queue woke one and registered the type. The caller sends it
-- when the queue held many jobs at its last look (scripts/schedule.ts).
-- @keys jobs queue
-- @one-type
--
-- Input:
-- ARGV[1]   id
-- ARGV[2]   record tail, as schedule.lua takes it
-- Output: the queue's length after the push when the job was created; 0 when that id already
-- existed; -1 when the queue was empty. Only a created job writes anything: on 0 and -1 nothing
-- changed, and on -1 the caller sends scheduleOne.lua, which may hand the job to an idle pool.

local id = ARGV[1]
-- RPUSHX pushes only onto a list that exists, and Redis keeps no empty list. It goes first: should the
-- HSETNX fail (a jobs key that is not a hash), the id left in the queue has no record, and a claim
-- drops it; the other order would leave a record that no queue holds, and a resent call would find
-- its id taken.
local length = redis.call("RPUSHX", QUEUE_1, id)
if length == 0 then return -1 end
-- The run-at from TIME's text, as scheduleOne.lua writes it.
local time = redis.call("TIME")
local micros = time[2]
local millis = #micros == 6 and string.sub(micros, 1, 3) or string.sub(string.rep("0", 6 - #micros) .. micros, 1, 3)
if redis.call("HSETNX", JOBS, id, '{"at":' .. time[1] .. millis .. "," .. ARGV[2]) == 0 then
  -- The push above is this id's, at the tail: the job that holds the id is left as it was.
  redis.call("RPOP", QUEUE_1)
  return 0
end
return length
