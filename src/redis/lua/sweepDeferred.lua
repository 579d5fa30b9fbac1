#!lua
-- Looks through the jobs other pools deferred (includes/deferral.lua) for one pool: says, per type,
-- whether some wait with an identity the pool knows (its claims then take them first), and rejects
-- those whose identity it does not know once their deadline has passed. Run at a pool's start and on
-- each heartbeat, never per claim.
-- @keys jobs deferred rejected
-- @include keys
-- @include record
-- @include batch
-- @include identities
-- @include deferral
-- @include reject-unknown
--
-- Input (after the key layout of includes/keys.lua; the types are the pool's):
-- ARGV[ARG0]       the most jobs to reject in this call
-- ARGV[ARG0+1..]   per type, the identities the pool knows, as claim.lua takes them
-- Output: { known1, ..., knownM, id1, record1, ... }: knownI is '1' when jobs of type I wait deferred
--   with an identity the pool knows, '0' otherwise; then the jobs rejected, as stored.
-- Cost: per type, one ZRANGE per distinct identity deferred (a handful at most: the builds being
-- deployed), plus O(log N) and a record read and write per job rejected.

local now = nowMs()
local limit = tonumber(ARGV[ARG0])
local result, rejected = {}, {}
local cutoff = string.format("%015.0f", now + 1)

for i = 1, TYPE_COUNT do
  local tk = typeKeys(i)
  local known = ARGV[ARG0 + i]
  result[i] = "0"
  -- Each distinct identity in turn: the first member past the last identity's range names the next.
  local from = "-"
  while true do
    local first = redis.call("ZRANGE", tk.deferred, from, "+", "BYLEX", "LIMIT", 0, 1)[1]
    if not first then break end
    local identity = string.match(first, "^[^:]*")
    from = "(" .. identity .. ";"
    if knowsIdentity(known, identity) then
      result[i] = "1"
    elseif #rejected < limit * 2 then
      local members = redis.call("ZRANGE", tk.deferred, "[" .. identity .. ":", "(" .. identity .. ":" .. cutoff, "BYLEX", "LIMIT", 0, limit - #rejected / 2)
      if #members > 0 then
        batchCall("ZREM", tk.deferred, members)
        local ids = {}
        for k, member in ipairs(members) do ids[k] = deferredMemberId(member) end
        local raws = hmgetAll(JOBS, ids)
        local records = {}
        for k, id in ipairs(ids) do
          local header, payload = nil, nil
          if raws[k] then header, payload = decodeRecord(raws[k], tk.name) end
          -- Anything else moved on since it was deferred (cancelled, retried): its entry was stale.
          if header and header.s == "deferred" and header.h == identity then
            rejectUnknown(tk, id, header, known, now)
            local record = encodeRecord(header, payload)
            records[#records + 1] = id
            records[#records + 1] = record
            rejected[#rejected + 1] = id
            rejected[#rejected + 1] = record
          end
        end
        batchCall("HSET", JOBS, records)
      end
    end
  end
end
for _, value in ipairs(rejected) do result[#result + 1] = value end
return result
