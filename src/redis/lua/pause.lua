#!lua
-- Pauses a job type: no pool claims its jobs until resume.lua (claim.lua skips paused types). Its
-- idle pools are withdrawn in the same step, so no schedule hands one of its jobs to an idle pool
-- (includes/handoff.lua hands only to pools in idle:<T>, and claim.lua registers none for a paused
-- type). Scheduling goes on; attempts already leased finish.
-- @keys paused idle
--
-- Input (after the key layout of includes/keys.lua, with the one type to pause): nothing
-- Output: 1 when the type was running, 0 when it was paused already

local tk = typeKeys(1)
local added = redis.call("SADD", PAUSED, tk.name)
redis.call("DEL", tk.idle)
return added
