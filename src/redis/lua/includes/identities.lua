-- The contract identities a pool knows, and whether a job's is one of them (docs/contract-evolution.md,
-- rolling deploys).

-- A pool's identities for a type as it passes them: ',a,b,' (newest first), or '*' from a build
-- whose module lists none, which knows every identity. A job without an identity is known.
local function knowsIdentity(known, h)
  return h == nil or known == "*" or string.find(known, "," .. h .. ",", 1, true) ~= nil
end


-- Builds write identities of hex digits; a job stamped with text beyond letters, digits, '-', '_' and
-- '.' no build can know (and it could not be filed in deferred:<T>, includes/deferral.lua).
local function isIdentityText(h)
  return type(h) == "string" and string.find(h, "^[%w_%.%-]+$") ~= nil
end
