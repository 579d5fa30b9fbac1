-- Jobs a pool leaves for another: they carry a contract identity its build does not know (written
-- by a newer producer, or by a rolled-back one; docs/contract-evolution.md, rolling deploys). Such
-- a job waits in deferred:<T>, a sorted set whose members all score 0, so they sort by their text,
-- '<identity>:<deadline>:<id>', the deadline zero-padded: a pool that knows an identity reads its
-- jobs by that prefix (claim.lua), and one that does not, those past their deadline (sweepDeferred.lua).
-- (Uses includes/record.lua.)

-- (A deadline that is no number, in a record edited by hand, reads as 0: the entry is still found.)
local function deferredMember(identity, deadline, id)
  return tostring(identity) .. ":" .. string.format("%015.0f", tonumber(deadline) or 0) .. ":" .. id
end

-- The id in a member, past '<identity>:' (an identity holds no ':', isIdentityText) and the 15
-- digits of the deadline and their ':'.
local function deferredMemberId(member)
  return string.sub(member, #string.match(member, "^[^:]*") + 18)
end

-- The job waits deferred from now until now + deadlineMs. It is no attempt: the caller has taken it
-- from its queue (or undone the attempt it was handed over with), and writes the record.
local function deferJob(tk, id, header, now, deadlineMs)
  header.s, header.df, header.dl = "deferred", now, now + deadlineMs
  redis.call("ZADD", tk.deferred, 0, deferredMember(header.h, header.dl, id))
end

-- The job stops being deferred: out of deferred:<T>, its deferral's fields cleared; the caller gives
-- it its new status and writes the record.
local function undefer(tk, id, header)
  redis.call("ZREM", tk.deferred, deferredMember(header.h, header.dl, id))
  header.df, header.dl = nil, nil
end
