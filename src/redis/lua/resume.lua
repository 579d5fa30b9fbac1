#!lua
-- Resumes a paused job type. When jobs wait for it (due, handed over, or removed entries of its queue
-- list to clear), an idle pool is woken at once: idle pools block on wake:<T>, and none polls.
-- @keys paused ready wake queue handoff
-- @include batch
-- @include queues
--
-- Input (after the key layout of includes/keys.lua, with the one type to resume): nothing
-- Output: 1 when the type was paused, 0 when it was not

local tk = typeKeys(1)
local removed = redis.call("SREM", PAUSED, tk.name)
if removed == 1 and (redis.call("LLEN", tk.queue) > 0 or redis.call("ZCARD", tk.ready) > 0 or redis.call("LLEN", tk.handoff) > 0) then
  wake(tk.wake)
end
return removed
