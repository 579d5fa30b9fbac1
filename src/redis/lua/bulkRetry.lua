#!lua
-- One batch of retryAll: the selected failed, rejected or cancelled jobs of one type queued again
-- now with a fresh retry budget, as retry.lua does one; an idle pool is woken when any was.
-- @keys jobs ready failed cancelled rejected wake queue
-- @include keys
-- @include record
-- @include batch
-- @include queues
-- @include holes
-- @include retry-run
-- @include bulk-select
--
-- Input and output: as includes/bulk-select.lua says; the source is 'failed', 'rejected' or 'cancelled'.

local now = nowMs()
local tk = typeKeys(1)
local sel = bulkSelection()
local records, removed = {}, {}
local reply = runBatch(tk, sel, { apply = function(entry, header, payload)
  if header.s ~= sel.source or isQuarantined(header) then return false end
  removed[#removed + 1] = entry.id
  retryRun(tk, entry.id, header, now)
  records[#records + 1] = entry.id
  records[#records + 1] = encodeRecord(header, payload)
  return true
end })
batchCall("ZREM", tk[sel.source], removed)
batchCall("HSET", JOBS, records)
if #removed > 0 then wake(tk.wake) end
return reply
