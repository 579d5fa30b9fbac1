#!lua
-- Renews the leases of the attempts a pool is running, and tells it which it no longer holds and
-- which were cancelled while they ran. A record that names another pool (a job handed to an idle
-- pool and popped by another) is made to name this one. The pool's description (host, pid, types,
-- ...) is kept beside its heartbeat, for the pools operation.
-- @keys jobs pools poolinfo executing
-- @include keys
-- @include record
--
-- Input (after the key layout of includes/keys.lua):
-- ARGV[ARG0]     lease length ms
-- ARGV[ARG0+1]   pool id, whose heartbeat is recorded in <ns>:pools
-- ARGV[ARG0+2]   the pool's description as JSON, stored in <ns>:poolinfo under its id; '' to leave it
-- ARGV[ARG0+3]   n, the number of attempts
-- then 3 values per attempt: id, attempt number, type index
-- Output: { lost ids..., '|', cancel-requested ids... }. A lost attempt's lease expired and the job was
-- recovered (or destroyed); its result will be ignored, so the pool may stop it.

local now = nowMs()
local leaseMs = tonumber(ARGV[ARG0])
local poolId = ARGV[ARG0 + 1]
local info = ARGV[ARG0 + 2]
local n = tonumber(ARGV[ARG0 + 3])
redis.call("ZADD", POOLS, now, poolId)
if info ~= "" then redis.call("HSET", POOLINFO, poolId, info) end
local lost, cancelled = {}, {}
for j = 0, n - 1 do
  local at = ARG0 + 4 + j * 3
  local id, attempt, tk = ARGV[at], tonumber(ARGV[at + 1]), typeKeys(tonumber(ARGV[at + 2]))
  local raw = redis.call("HGET", JOBS, id)
  local header, payload
  if raw then header, payload = decodeRecord(raw) end
  if header and header.s == "executing" and header.a == attempt and redis.call("ZSCORE", tk.executing, id) then
    redis.call("ZADD", tk.executing, now + leaseMs, id)
    if header.w ~= poolId then
      header.w = poolId
      redis.call("HSET", JOBS, id, encodeRecord(header, payload))
    end
    if header.cx then cancelled[#cancelled + 1] = id end
  else
    lost[#lost + 1] = id
  end
end
local result = lost
result[#result + 1] = "|"
for _, id in ipairs(cancelled) do result[#result + 1] = id end
return result
