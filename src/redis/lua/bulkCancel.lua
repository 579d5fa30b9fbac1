#!lua
-- One batch of cancelAll: the selected queued jobs of one type cancelled. A job in the queue list is
-- replaced there by a hole (includes/holes.lua) and counted in holes; LREM would walk the list. Holes
-- at the head of the list are popped then (at most HEAD_HOLES a call), so the head is a waiting job.
-- @keys jobs holes ready scheduled cancelled queue
-- @include keys
-- @include record
-- @include batch
-- @include holes
-- @include end-cancelled
-- @include bulk-select
--
-- Input and output: as includes/bulk-select.lua says; the source is 'ready', 'queue' or 'scheduled'.

-- Holes popped from the head per call: a batch's worth of cancels, and holes left by earlier calls.
local HEAD_HOLES = 1000

local now = nowMs()
local tk = typeKeys(1)
local sel = bulkSelection()
local records, removed = {}, {}
local holes = 0
local reply = runBatch(tk, sel, { apply = function(entry, header, payload)
  if header.s ~= "queued" then return false end
  if entry.position then
    redis.call("LSET", tk.queue, entry.position, HOLE)
    holes = holes + 1
  else
    removed[#removed + 1] = entry.id
  end
  endCancelled(tk, entry.id, header, now)
  records[#records + 1] = entry.id
  records[#records + 1] = encodeRecord(header, payload)
  return true
end })
if sel.source ~= "queue" then batchCall("ZREM", tk[sel.source], removed) end
batchCall("HSET", JOBS, records)
if holes > 0 then
  redis.call("HINCRBY", HOLES, tk.name, holes)
  -- The list's cursor (an index) moves with the entries popped before it.
  local popped = popLeadingHoles(tk.queue, HOLES, tk.name, HEAD_HOLES)
  reply[5] = math.max(0, tonumber(reply[5]) - popped)
end
return reply
