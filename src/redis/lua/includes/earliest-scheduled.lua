-- The earliest run-at still scheduled among the script's job types, or nil: what a pool's scheduler
-- waits for (src/pool/scheduler.ts).
local function earliestScheduled()
  local earliest
  for i = 1, TYPE_COUNT do
    local head = redis.call("ZRANGE", typeKeys(i).scheduled, 0, 0, "WITHSCORES")[2]
    if head and (earliest == nil or tonumber(head) < earliest) then earliest = tonumber(head) end
  end
  return earliest
end
