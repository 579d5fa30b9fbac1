-- Every key a script touches is passed to it, and all share the namespace's hash tag. A script is
-- given only the keys its `-- @keys` line names (the build step turns that line into GLOBAL_KEY_KINDS
-- and TYPE_KEY_KINDS just above this include; ScriptRunner passes the same from scriptKeys): first
-- the global ones it names, of
--   jobs       hash  id -> record
--   types      set of job type names that have ever been scheduled
--   pools      zset  pool id -> last heartbeat ms
-- then, for each job type i, the per-type ones it names, of (in this order)
--   ready:<T> (zset, readyScore: due jobs with a priority), scheduled:<T> (zset, run-at ms),
--   executing:<T> (zset, lease deadline ms), finished:<T>, failed:<T>, cancelled:<T>, rejected:<T>
--   (zsets, finished ms), wake:<T> (list), queue:<T> (list: due jobs of priority 0, oldest first)
-- ARGV[1] is the number of job types m, ARGV[2..m+1] their names, in the same order as their keys;
-- a script's own arguments start at ARGV[ARG0].
--
-- Every script's first line is '#!lua': Redis 7 then checks maxmemory before the script starts, so
-- under OOM a script is refused whole instead of failing half-way through its writes.

local GLOBAL_KEYS = {}
for k, kind in ipairs(GLOBAL_KEY_KINDS) do GLOBAL_KEYS[kind] = KEYS[k] end
local JOBS, TYPES, POOLS = GLOBAL_KEYS.jobs, GLOBAL_KEYS.types, GLOBAL_KEYS.pools
local TYPE_COUNT = tonumber(ARGV[1])
local ARG0 = TYPE_COUNT + 2

-- A key the script did not declare fails loudly here, not as a nil argument deep in a redis.call.
local UNDECLARED = {
  __index = function(_, kind) error("typed-jobs: this script uses the key '" .. tostring(kind) .. "' but its @keys line does not name it") end,
}

-- Built once per type and script call: the per-job loops ask for them once per job. Read-only.
local typeKeysCache = {}

local function typeKeys(i)
  local tk = typeKeysCache[i]
  if tk then return tk end
  local base = #GLOBAL_KEY_KINDS + (i - 1) * #TYPE_KEY_KINDS
  tk = { name = ARGV[1 + i] }
  for k, kind in ipairs(TYPE_KEY_KINDS) do tk[kind] = KEYS[base + k] end
  setmetatable(tk, UNDECLARED)
  typeKeysCache[i] = tk
  return tk
end

-- LREM walks the queue list, so it runs only for a job that may be in it: a queued one, or one
-- whose record could not be read (status unknown).
local function removeFromAllSets(tk, id, status)
  for _, key in ipairs({ tk.ready, tk.scheduled, tk.executing, tk.finished, tk.failed, tk.cancelled, tk.rejected }) do
    redis.call("ZREM", key, id)
  end
  if status == nil or status == "queued" then redis.call("LREM", tk.queue, 1, id) end
end
