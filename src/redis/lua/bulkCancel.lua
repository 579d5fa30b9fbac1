#!lua
-- One batch of cancelAll: the selected queued (or deferred) jobs of one type cancelled. A job in the
-- queue list is replaced there by a hole (includes/holes.lua) and counted in holes; LREM would walk
-- the list. Holes at the head of the list are popped then (at most HEAD_HOLES a call), so the head is
-- a waiting job.
-- @keys jobs holes ready scheduled cancelled queue deferred
-- @include keys
-- @include record
-- @include batch
-- @include holes
-- @include end-cancelled
-- @include deferral
-- @include bulk-select
--
-- Input and output: as includes/bulk-select.lua says; the source is 'ready', 'queue', 'scheduled' or
-- 'deferred'.

-- Holes popped from the head per call: a batch's worth of cancels, and holes left by earlier calls.
local HEAD_HOLES = 1000

local now = nowMs()
local tk = typeKeys(1)
local sel = bulkSelection()
local records, removed = {}, {}
local holes = 0
local status = sel.source == "deferred" and "deferred" or "queued"
local reply = runBatch(tk, sel, { idOf = status == "deferred" and deferredMemberId or nil, apply = function(entry, header, payload)
  if header.s ~= status then return false end
  if entry.position then
    redis.call("LSET", tk.queue, entry.position, HOLE)
    holes = holes + 1
  else
    removed[#removed + 1] = entry.member
    -- A job deferred again since this entry was made is filed under its newer deadline as well.
    if status == "deferred" then
      local current = deferredMember(header.h, header.dl, entry.id)
      if current ~= entry.member then removed[#removed + 1] = current end
    end
  end
  header.df, header.dl = nil, nil
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
