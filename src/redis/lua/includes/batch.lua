-- Many fields or members per call instead of one call each: a script pays Redis's per-call cost once
-- per batch. Chunks keep every call under Lua's unpack limit; BATCH_ARGS is even, so pairs stay whole.
local BATCH_ARGS = 1000

local function batchCall(command, key, args)
  for i = 1, #args, BATCH_ARGS do
    redis.call(command, key, unpack(args, i, math.min(i + BATCH_ARGS - 1, #args)))
  end
end

-- HMGET for any number of ids: the values in order, false where a field is missing.
local function hmgetAll(key, ids)
  local values = {}
  for i = 1, #ids, BATCH_ARGS do
    local part = redis.call("HMGET", key, unpack(ids, i, math.min(i + BATCH_ARGS - 1, #ids)))
    for k = 1, #part do values[#values + 1] = part[k] end
  end
  return values
end

-- Appends to the list kept under `name` in `lists`, creating it on first use.
local function pushTo(lists, name, a, b)
  local list = lists[name]
  if not list then
    list = {}
    lists[name] = list
  end
  list[#list + 1] = a
  if b ~= nil then list[#list + 1] = b end
end
