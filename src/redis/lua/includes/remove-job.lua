-- LREM walks the queue list, so it runs only for a job that may be in it: a queued one, or one
-- whose record could not be read (status unknown); the run-at in its header, when read, tells which
-- end to walk from (includes/queue-removal.lua). A deferred job's entry is made of its header
-- (includes/deferral.lua), which the caller passes when it read one; the job stops being deferred.
local function removeFromAllSets(tk, id, status, header)
  for _, key in ipairs({ tk.ready, tk.scheduled, tk.executing, tk.finished, tk.failed, tk.cancelled, tk.rejected }) do
    redis.call("ZREM", key, id)
  end
  if status == nil or status == "queued" then removeFromQueue(tk, id, header and header.at) end
  if header and status == "deferred" then undefer(tk, id, header) end
end
