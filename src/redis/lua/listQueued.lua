#!lua
-- A page of one job type's queued jobs, in the order a claim takes them (claim.lua, one type): ready
-- jobs with a priority above 0, the queue list, ready jobs below 0, then scheduled jobs by run-at.
-- Each part's length is counted and the page read by rank or position, so a deep page costs what a
-- first one does. Changes nothing.
-- @keys holes ready scheduled queue
-- @include score
-- @include holes
--
-- Input (after the key layout of includes/keys.lua, with the one type):
-- ARGV[ARG0]     offset
-- ARGV[ARG0+1]   limit, at least 1
-- ARGV[ARG0+2]   the most entries read past a page of the queue list for its holes
-- Output: the page's ids, next to run first.
--
-- Holes a bulk cancel left in the queue list (includes/holes.lua) are no jobs. While any remain, a
-- page within the list's first EXACT_SCAN entries is read from the list's head, holes skipped; a
-- page deeper than that is read from the list position its offset names, as if there were no holes,
-- so it starts as many jobs early as there are holes before it (until claims have popped them). Past
-- the most holes read, a page comes back short.

local EXACT_SCAN = 10000

local tk = typeKeys(1)
local offset = tonumber(ARGV[ARG0])
local limit = tonumber(ARGV[ARG0 + 1])
local maxHolesRead = tonumber(ARGV[ARG0 + 2])
local holes = math.max(0, tonumber(redis.call("HGET", HOLES, tk.name)) or 0)

local above = redis.call("ZCOUNT", tk.ready, "-inf", "(" .. string.format("%.0f", QUEUE_BAND))
local listed = redis.call("LLEN", tk.queue)
local listedJobs = math.max(0, listed - holes)
local below = redis.call("ZCARD", tk.ready) - above

local ids = {}
local function add(entries)
  for _, id in ipairs(entries) do ids[#ids + 1] = id end
end

-- Up to `want` of the queue list's jobs, from its `skip`-th job on; false when its holes ended the
-- read before the list did. With holes in the list, a page near its head is found by counting from
-- the head.
local function addListed(skip, want)
  local start, pass = skip, 0
  if holes > 0 and skip <= EXACT_SCAN then start, pass = 0, skip end
  local window = pass + want + math.min(holes, maxHolesRead)
  local entries = redis.call("LRANGE", tk.queue, start, start + window - 1)
  local taken = 0
  for _, id in ipairs(entries) do
    if taken == want then return true end
    if id ~= HOLE then
      if pass > 0 then
        pass = pass - 1
      else
        ids[#ids + 1] = id
        taken = taken + 1
      end
    end
  end
  return taken == want or #entries < window
end

-- `at` is the position in the whole order; each part starts where the ones before it end.
local at = offset
if at < above then
  add(redis.call("ZRANGE", tk.ready, at, math.min(above, at + limit) - 1))
  at = above
end
if #ids < limit and at < above + listedJobs then
  if not addListed(at - above, limit - #ids) then return ids end
  at = above + listedJobs
end
if #ids < limit and at < above + listedJobs + below then
  -- The ready zset's jobs below priority 0 follow its `above` ones.
  local rank = above + (at - above - listedJobs)
  add(redis.call("ZRANGE", tk.ready, rank, rank + limit - #ids - 1))
  at = above + listedJobs + below
end
if #ids < limit then
  local rank = at - above - listedJobs - below
  add(redis.call("ZRANGE", tk.scheduled, rank, rank + limit - #ids - 1))
end
return ids
