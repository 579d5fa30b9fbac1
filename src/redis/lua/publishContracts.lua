#!lua
-- Publishes a runtime's payload schemas to the namespace's contract registry, by Redis's clock so
-- runtimes on skewed hosts agree on the order. Called once per process and schema hash.
-- @keys contracts
-- @include record
--
-- Input (after the key layout of includes/keys.lua, with no job types):
-- ARGV[ARG0..] pairs of: field '<type>\n<schema hash>', the schema's JSON text
-- Output: Redis's clock, ms.
--
-- Each field's value is '{"schema":<schema>,"firstSeen":<ms>,"lastPublished":<ms>}': firstSeen is
-- kept from the first publish of the hash, lastPublished is now. The schema text is written as given
-- (never decoded and encoded again, which could change it): the same hash names the same schema.

local now = nowMs()
for i = ARG0, #ARGV, 2 do
  local field, schema = ARGV[i], ARGV[i + 1]
  local firstSeen = now
  local old = redis.call("HGET", CONTRACTS, field)
  if old then
    local ok, value = pcall(cjson.decode, old)
    if ok and type(value) == "table" and type(value.firstSeen) == "number" then firstSeen = value.firstSeen end
  end
  redis.call("HSET", CONTRACTS, field, '{"schema":' .. schema .. ',"firstSeen":' .. exact(firstSeen) .. ',"lastPublished":' .. exact(now) .. "}")
end
return now
