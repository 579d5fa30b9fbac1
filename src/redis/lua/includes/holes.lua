-- A removed entry of a queue list. A bulk cancel overwrites a job's slot with it (LSET) instead of
-- removing it (LREM walks the list), and counts it in the holes hash; claims pop holes with the jobs
-- around them and never lease one. No job id is empty, so no job can be mistaken for a hole.
local HOLE = ""

-- A claim passes over at most HOLE_BUDGET holes (with the jobs it takes), however it reads the list:
-- holes cost it time and leave nothing to run. Past that it stops short, and says so (claim.lua).
local HOLE_BUDGET = 2000

local function holeBudgetSpent(holesPassed)
  return holesPassed >= HOLE_BUDGET
end

-- Claims that pop holes take them off the type's count; a count that reaches 0 is removed.
local function holesPopped(holesKey, typeName, count)
  if count > 0 and redis.call("HINCRBY", holesKey, typeName, -count) <= 0 then
    redis.call("HDEL", holesKey, typeName)
  end
end

-- Pops the holes at the head of a queue list, at most `budget` of them, and takes them off the
-- type's count: a bulk cancel leaves none at the head for readers of the head (stats) to pass over.
-- Returns how many it popped.
local function popLeadingHoles(queueKey, holesKey, typeName, budget)
  local popped = 0
  while popped < budget do
    local head = redis.call("LRANGE", queueKey, 0, math.min(100, budget - popped) - 1)
    local n = 0
    while n < #head and head[n + 1] == HOLE do n = n + 1 end
    if n > 0 then redis.call("LTRIM", queueKey, n, -1) end
    popped = popped + n
    if n < #head or n == 0 then break end
  end
  holesPopped(holesKey, typeName, popped)
  return popped
end
