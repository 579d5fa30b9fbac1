-- A new run of an ended job (uses includes/record.lua and includes/queues.lua).

-- The statuses a retry takes a job from.
local RETRYABLE = { failed = true, rejected = true, cancelled = true }

-- A record quarantined as unreadable (includes/record.lua) keeps the original bytes as its payload:
-- there is no job in it to run again.
local function isQuarantined(header)
  return type(header.e) == "table" and header.e.name == "CorruptJobRecordError"
end

-- Queues an ended job again, due now, with a fresh retry budget: its failures, lease recoveries,
-- cancel request, end time and last error are cleared; its attempts count stays. The caller has taken
-- it out of its ended set, and writes the record.
local function retryRun(tk, id, header, now)
  header.s = "queued"
  moveRunAt(header, now)
  header.f, header.rc, header.cx, header.ft, header.sl, header.e = nil, nil, nil, nil, nil, nil
  enqueueReady(tk, id, header)
end
