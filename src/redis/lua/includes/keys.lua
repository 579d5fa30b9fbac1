-- Every script receives the same key layout, built by one TypeScript function (scripts/key-layout.ts),
-- so every key a script touches is declared and all share the namespace's hash tag:
--   KEYS[1] <ns>:jobs       hash  id -> record
--   KEYS[2] <ns>:types      set of job type names that have ever been scheduled
--   KEYS[3] <ns>:pools      zset  pool id -> last heartbeat ms
--   then 9 keys for each job type i, in this order:
--   ready:<T> (zset, readyScore: due jobs with a priority), scheduled:<T> (zset, run-at ms),
--   executing:<T> (zset, lease deadline ms), finished:<T>, failed:<T>, cancelled:<T>, rejected:<T>
--   (zsets, finished ms), wake:<T> (list), queue:<T> (list: due jobs of priority 0, oldest first)
-- ARGV[1] is the number of job types m, ARGV[2..m+1] their names, in the same order as their keys;
-- a script's own arguments start at ARGV[ARG0].
--
-- Every script's first line is '#!lua': Redis 7 then checks maxmemory before the script starts, so
-- under OOM a script is refused whole instead of failing half-way through its writes.

local JOBS, TYPES, POOLS = KEYS[1], KEYS[2], KEYS[3]
local GLOBAL_KEYS, KEYS_PER_TYPE = 3, 9
local TYPE_COUNT = tonumber(ARGV[1])
local ARG0 = TYPE_COUNT + 2

-- Built once per type and script call: the per-job loops ask for them once per job. Read-only.
local typeKeysCache = {}

local function typeKeys(i)
  local tk = typeKeysCache[i]
  if tk then return tk end
  local base = GLOBAL_KEYS + (i - 1) * KEYS_PER_TYPE
  tk = {
    name = ARGV[1 + i],
    ready = KEYS[base + 1], scheduled = KEYS[base + 2], executing = KEYS[base + 3],
    finished = KEYS[base + 4], failed = KEYS[base + 5], cancelled = KEYS[base + 6],
    rejected = KEYS[base + 7], wake = KEYS[base + 8], queue = KEYS[base + 9],
  }
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
