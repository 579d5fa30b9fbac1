#!lua
-- Schedules a batch of new jobs in one round trip.
-- @include keys
-- @include record
--
-- Input (after the shared layout in includes/keys.lua):
-- ARGV[ARG0]    n, the number of jobs
-- then 6 values per job:
--   id           made by the caller (or chosen by the user), so a resent call creates nothing twice
--   type index   1-based index into the script's job types
--   run at       absolute ms, or '' to run after the delay
--   delay        ms after Redis's clock (used when run at is '')
--   priority     integer, -1024..1023 (also in the record; here so the script need not parse it)
--   record tail  the record without its opening '{': '"t":...}\n<payload>'; the script prepends
--                '{"at":<run at>,' so run-at always comes from Redis's own clock
-- Output: a flat array, 2 values per job: id, 1 when created or 0 when that id already existed
-- (scheduling an existing id again changes nothing: the caller's id is the idempotency key).

local now = nowMs()
local n = tonumber(ARGV[ARG0])
local result = {}
local registered = {}
for j = 0, n - 1 do
  local at = ARG0 + 1 + j * 6
  local id, typeIndex = ARGV[at], tonumber(ARGV[at + 1])
  local runAt = tonumber(ARGV[at + 2]) or (now + tonumber(ARGV[at + 3]))
  local tk = typeKeys(typeIndex)
  local record = '{"at":' .. exact(runAt) .. ',' .. ARGV[at + 5]
  if redis.call("HSETNX", JOBS, id, record) == 1 then
    local header = { at = runAt, pr = tonumber(ARGV[at + 4]) }
    if runAt <= now then
      redis.call("ZADD", tk.ready, readyScore(header), id)
      wake(tk.wake)
    else
      -- A pool asleep until the earliest scheduled job must hear of an earlier one.
      local earliest = redis.call("ZRANGE", tk.scheduled, 0, 0, "WITHSCORES")[2]
      redis.call("ZADD", tk.scheduled, exact(runAt), id)
      if earliest == nil or runAt < tonumber(earliest) then wake(tk.wake) end
    end
    if not registered[typeIndex] then
      redis.call("SADD", TYPES, tk.name)
      registered[typeIndex] = true
    end
    result[#result + 1] = id
    result[#result + 1] = 1
  else
    result[#result + 1] = id
    result[#result + 1] = 0
  end
end
return result
