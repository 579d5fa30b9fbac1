-- A removed entry of a queue list. A bulk cancel overwrites a job's slot with it (LSET) instead of
-- removing it (LREM walks the list), and counts it in the holes hash; claims pop holes with the jobs
-- around them and never lease one. No job id is empty, so no job can be mistaken for a hole.
local HOLE = ""

-- Claims that pop holes take them off the type's count; a count that reaches 0 is removed.
local function holesPopped(holesKey, typeName, count)
  if count > 0 and redis.call("HINCRBY", holesKey, typeName, -count) <= 0 then
    redis.call("HDEL", holesKey, typeName)
  end
end
