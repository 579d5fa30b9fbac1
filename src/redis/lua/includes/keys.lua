-- Every key a script touches is passed to it, and all share the namespace's hash tag. A script is
-- given only the keys its `-- @keys` line names (the build step turns that line into locals such as
-- JOBS and the first type's keys as plain locals named after their kind with the suffix _1, and
-- makes typeKeys(i) there too, or at the script's `-- @type-keys` line if it has one; ScriptRunner
-- passes the same keys from scriptKeys):
-- first the global ones it names, of
--   jobs       hash  id -> record
--   types      set of job type names that have ever been scheduled
--   pools      zset  pool id -> last heartbeat ms
-- then, for each job type i, the per-type ones it names, of (in this order)
--   ready:<T> (zset, readyScore: due jobs with a priority), scheduled:<T> (zset, run-at ms),
--   executing:<T> (zset, lease deadline ms), finished:<T>, failed:<T>, cancelled:<T>, rejected:<T>
--   (zsets, finished ms), wake:<T> (list), queue:<T> (list: due jobs of priority 0, oldest first),
--   idle:<T> (zset '<lease ms>:<pool id>' -> when its wait ends: pools with room, blocked on
--   handoff:<T>), handoff:<T> (list of '<id length>:<id><record>': jobs a schedule leased to an idle
--   pool, for it to pop)
-- ARGV[1] is the number of job types m, ARGV[2..m+1] their names, in the same order as their keys;
-- a script's own arguments start at ARGV[ARG0]. A script with a `-- @one-type` line runs for one job
-- type and is given neither: its ARGV holds only its own arguments (two fewer for Redis to read).
--
-- Every script's first line is '#!lua': Redis 7 then checks maxmemory before the script starts, so
-- under OOM a script is refused whole instead of failing half-way through its writes.

-- LREM walks the queue list, so it runs only for a job that may be in it: a queued one, or one
-- whose record could not be read (status unknown).
local function removeFromAllSets(tk, id, status)
  for _, key in ipairs({ tk.ready, tk.scheduled, tk.executing, tk.finished, tk.failed, tk.cancelled, tk.rejected }) do
    redis.call("ZREM", key, id)
  end
  if status == nil or status == "queued" then redis.call("LREM", tk.queue, 1, id) end
end
