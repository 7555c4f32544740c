// The ledger rules of `budget-ledger.ts`, as Lua run atomically inside Redis. Keys of one
// subject × feature share a hash tag, so they live in one slot of a Redis Cluster too. The value
// hash also keeps the running totals `reserved` and `booked`. Numbers travel as strings: a Lua
// number returned to Redis would be truncated to an integer.

/** KEYS: value, booked, bookedUnits. ARGV: balance, usage, fetchedAtMs, keyTtlMs. */
export const recordValueScript = `
local fetched = tonumber(ARGV[3])
local previousFetched = tonumber(redis.call('HGET', KEYS[1], 'fetchedAt'))
if previousFetched and fetched < previousFetched then return 0 end
local usage = tonumber(ARGV[2])
local previousUsage = tonumber(redis.call('HGET', KEYS[1], 'usage'))
if previousUsage and usage > previousUsage then
  local absorbed = usage - previousUsage
  local total = 0
  while absorbed > 0 do
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)
    if #oldest == 0 then break end
    local id = oldest[1]
    local units = tonumber(redis.call('HGET', KEYS[3], id)) or 0
    if units <= absorbed then
      absorbed = absorbed - units
      total = total + units
      redis.call('ZREM', KEYS[2], id)
      redis.call('HDEL', KEYS[3], id)
    else
      redis.call('HSET', KEYS[3], id, tostring(units - absorbed))
      total = total + absorbed
      absorbed = 0
    end
  end
  if total > 0 then redis.call('HINCRBYFLOAT', KEYS[1], 'booked', tostring(-total)) end
end
redis.call('HSET', KEYS[1], 'balance', ARGV[1], 'usage', ARGV[2], 'fetchedAt', ARGV[3])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
return 1
`;

/**
 * KEYS: value, reservations, reservationExpiry, booked, bookedUnits.
 * ARGV: id, units, nowMs, expiresAtMs, bookedTtlMs, keyTtlMs.
 * Returns { admitted (1/0), available (string, or '' when no value is recorded) }.
 */
export const reserveScript = `
local now = tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
if #expired > 0 then
  local released = 0
  for _, id in ipairs(expired) do
    released = released + (tonumber(redis.call('HGET', KEYS[2], id)) or 0)
    redis.call('HDEL', KEYS[2], id)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  redis.call('HINCRBYFLOAT', KEYS[1], 'reserved', tostring(-released))
end
local bookedBefore = now - tonumber(ARGV[5])
local old = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', bookedBefore)
if #old > 0 then
  local dropped = 0
  for _, id in ipairs(old) do
    dropped = dropped + (tonumber(redis.call('HGET', KEYS[5], id)) or 0)
    redis.call('HDEL', KEYS[5], id)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', bookedBefore)
  redis.call('HINCRBYFLOAT', KEYS[1], 'booked', tostring(-dropped))
end
local state = redis.call('HMGET', KEYS[1], 'balance', 'reserved', 'booked')
if not state[1] then return {0, ''} end
local available = tonumber(state[1]) - (tonumber(state[2]) or 0) - (tonumber(state[3]) or 0)
if available < 0 then available = 0 end
local units = tonumber(ARGV[2])
if units > available then return {0, tostring(available)} end
local previous = tonumber(redis.call('HGET', KEYS[2], ARGV[1])) or 0
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('HINCRBYFLOAT', KEYS[1], 'reserved', tostring(units - previous))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
return {1, tostring(available - units)}
`;

/**
 * KEYS: value, reservations, reservationExpiry, booked, bookedUnits.
 * ARGV: id, units, nowMs, keyTtlMs.
 */
export const settleScript = `
local reserved = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
if reserved then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HINCRBYFLOAT', KEYS[1], 'reserved', tostring(-reserved))
end
if tonumber(ARGV[2]) > 0 and not redis.call('ZSCORE', KEYS[4], ARGV[1]) then
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
  redis.call('HINCRBYFLOAT', KEYS[1], 'booked', ARGV[2])
  for i = 4, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;
