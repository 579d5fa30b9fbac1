#!lua
-- Gives attempts back to the queue at once, without counting them as failures: used by a pool for
-- jobs it claimed ahead that could not start in time, and by a closing pool for jobs it will not run
-- (or could not finish within its grace period).
-- @keys jobs ready executing cancelled wake queue
-- @include keys
-- @include record
-- @include batch
-- @include queues
-- @include end-cancelled
--
-- Input (after the key layout of includes/keys.lua):
-- ARGV[ARG0]   n, then 4 values per attempt: id, attempt number, type index, and '1' when its handler
--              started ('0': claimed but never started, so the claim is undone: the attempt count goes
--              back and the job shows no start or pool, as before it was claimed)
-- Output: one value per attempt: 'released' | 'stale' (no longer this pool's attempt) | 'gone'

local now = nowMs()
local n = tonumber(ARGV[ARG0])
local results = {}
local front = {}
for j = 0, n - 1 do
  local at = ARG0 + 1 + j * 4
  local id, attempt, tk = ARGV[at], tonumber(ARGV[at + 1]), typeKeys(tonumber(ARGV[at + 2]))
  local started = ARGV[at + 3] == "1"
  local raw = redis.call("HGET", JOBS, id)
  local header, payload
  if raw then header, payload = decodeRecord(raw) end
  if not raw then
    results[#results + 1] = "gone"
  elseif not header or header.s ~= "executing" or header.a ~= attempt then
    results[#results + 1] = "stale"
  else
    redis.call("ZREM", tk.executing, id)
    if not started then
      header.st, header.w = nil, nil
      header.a = attempt > 1 and attempt - 1 or nil
    end
    if header.cx then
      endCancelled(tk, id, header, now)
    else
      header.s = "queued"
      enqueueReady(tk, id, header, front)
      wake(tk.wake)
    end
    redis.call("HSET", JOBS, id, encodeRecord(header, payload))
    results[#results + 1] = "released"
  end
end
pushFront(front)
return results
