-- A job ends cancelled: a queued one cancelled at once, or one whose cancel was requested (cx) while
-- it ran, as its attempt ends, whatever the attempt's outcome. The request is spent. The caller has
-- taken the job out of the set it was in.
local function endCancelled(tk, id, header, now)
  header.s, header.ft, header.cx = "cancelled", now, nil
  redis.call("ZADD", tk.cancelled, now, id)
end
