#!lua
-- Deletes finished, failed, cancelled and rejected jobs past their retention, oldest first, a
-- bounded number per call, so Redis memory stays bounded under a steady load.
-- @keys jobs finished failed cancelled rejected
-- @include keys
-- @include record
--
-- Input (after the key layout of includes/keys.lua):
-- ARGV[ARG0]     the most jobs to delete per set in this call
-- ARGV[ARG0+1]   finished: keep at most this many per type
-- ARGV[ARG0+2]   finished: keep for at most this many ms
-- ARGV[ARG0+3]   failed, cancelled and rejected: keep at most this many per type
-- ARGV[ARG0+4]   failed, cancelled and rejected: keep for at most this many ms
-- Output: the number of jobs deleted; when it equals the limit times the sets, more may remain.

local now = nowMs()
local limit = tonumber(ARGV[ARG0])
local deleted = 0

local function trim(key, keepCount, keepMs)
  local size = redis.call("ZCARD", key)
  -- Most sets of a sweep are empty (few jobs fail); the age query would find nothing.
  if size == 0 then return end
  local excess = size - keepCount
  local ids = {}
  if excess > 0 then
    ids = redis.call("ZRANGE", key, 0, math.min(excess, limit) - 1)
  end
  if #ids < limit then
    local old = redis.call("ZRANGEBYSCORE", key, "-inf", now - keepMs, "LIMIT", #ids, limit - #ids)
    for _, id in ipairs(old) do ids[#ids + 1] = id end
  end
  if #ids > 0 then
    redis.call("ZREM", key, unpack(ids))
    redis.call("HDEL", JOBS, unpack(ids))
    deleted = deleted + #ids
  end
end

for i = 1, TYPE_COUNT do
  local tk = typeKeys(i)
  trim(tk.finished, tonumber(ARGV[ARG0 + 1]), tonumber(ARGV[ARG0 + 2]))
  for _, key in ipairs({ tk.failed, tk.cancelled, tk.rejected }) do
    trim(key, tonumber(ARGV[ARG0 + 3]), tonumber(ARGV[ARG0 + 4]))
  end
end
return deleted
