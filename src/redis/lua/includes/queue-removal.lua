-- Takes a job out of its type's queue list (uses includes/record.lua). LREM walks the list from one
-- end, so it starts from the end the job is nearer: a job joins the tail as it falls due, so one whose
-- run-at is nearer now than the head's run-at is looked for from the tail. Without a run-at, or when
-- the head cannot be read, from the head (the oldest).
local function removeFromQueue(tk, id, at)
  local fromTail = false
  if at then
    local headId = redis.call("LINDEX", tk.queue, 0)
    local headRaw = headId and redis.call("HGET", JOBS, headId)
    local head = headRaw and decodeRecord(headRaw)
    fromTail = head and at - head.at > nowMs() - at or false
  end
  return redis.call("LREM", tk.queue, fromTail and -1 or 1, id)
end
