#!lua
-- One batch of cancelAll: the selected queued jobs of one type cancelled. A job in the queue list is
-- replaced there by a hole (includes/holes.lua) and counted in holes; LREM would walk the list.
-- @keys jobs holes ready scheduled cancelled queue
-- @include keys
-- @include record
-- @include batch
-- @include holes
-- @include end-cancelled
-- @include bulk-select
--
-- Input and output: as includes/bulk-select.lua says; the source is 'ready', 'queue' or 'scheduled'.

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
if holes > 0 then redis.call("HINCRBY", HOLES, tk.name, holes) end
batchCall("HSET", JOBS, records)
return reply
