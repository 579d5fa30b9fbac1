#!lua
-- One batch of destroyAll: the selected ended jobs of one type deleted, record and set entry. An entry
-- without a record is removed; one whose record cannot be read is deleted too unless the selection has
-- a `where`, which it cannot be tested against (the zset's score is its age, checked already).
-- @keys jobs finished failed cancelled rejected
-- @include keys
-- @include record
-- @include batch
-- @include holes
-- @include bulk-select
--
-- Input and output: as includes/bulk-select.lua says; the source is an ended status ('finished',
-- 'failed', 'cancelled' or 'rejected').

local tk = typeKeys(1)
local sel = bulkSelection()
local removed = {}
local reply = runBatch(tk, sel, {
  apply = function(entry, header)
    if header.s ~= sel.source then return false end
    removed[#removed + 1] = entry.id
    return true
  end,
  unreadable = function(entry, raw)
    if raw and sel.where then return false end
    removed[#removed + 1] = entry.id
    return true
  end,
})
batchCall("ZREM", tk[sel.source], removed)
batchCall("HDEL", JOBS, removed)
return reply
