-- LREM walks the queue list, so it runs only for a job that may be in it: a queued one, or one
-- whose record could not be read (status unknown). `at` is its run-at, when known (includes/queue-removal.lua).
local function removeFromAllSets(tk, id, status, at)
  for _, key in ipairs({ tk.ready, tk.scheduled, tk.executing, tk.finished, tk.failed, tk.cancelled, tk.rejected }) do
    redis.call("ZREM", key, id)
  end
  if status == nil or status == "queued" then removeFromQueue(tk, id, at) end
end
