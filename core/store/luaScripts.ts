/** Lua scripts the Redis backend runs server-side, each atomic with respect to other clients. */

/**
 * Roomba's trim as one Lua script, so it is atomic with respect to APPENDs: no point appended while a
 * trim runs can be lost. Kept points keep their original bytes (no re-encoding), so a trimmed key is
 * still exactly what Skyline would have written. Returns {kept, removed, forgotten, quarantined}.
 *
 * Every point is still read on every pass (the kept count is exact and a damaged tail is found), but
 * by walking the bytes, not through cmsgpack: unpacking a table per point, and copying every kept point
 * into a new string, cost Redis about 2 µs a point, which at 10,000 windows of 7,200 points made one
 * pass longer than roomba's interval. The walk reads the shapes Skyline and Kale write (a fixarray of
 * two numbers: integer or float64 timestamps, any number as the value); a window with nothing expired
 * is left as it is, and one whose expired points all come before its kept ones (points arrive in time
 * order) is cut with one copy of its kept tail. Anything else (another shape, damage, a late point
 * among kept ones) goes through the cmsgpack loop, which decides exactly as before.
 *
 * KEYS[1] = metrics.<name>; KEYS[2] = metrics.unique_metrics, KEYS[3] = quarantine key, both left out
 * on a Redis Cluster, where they live in other slots than KEYS[1]: the caller then updates the set
 * itself, and an undecodable key is deleted and its bytes returned as a fifth element for the caller
 * to quarantine (a point appended after that starts a new key, so nothing is lost either way).
 * ARGV[1] = cutoff (epoch seconds)
 */
export const TRIM_LUA = `
local whole = #KEYS == 3

local function forget(removed)
  redis.call('DEL', KEYS[1])
  if whole then redis.call('SREM', KEYS[2], KEYS[1]) end
  return {0, removed, 1, 0}
end

local data = redis.call('GET', KEYS[1])
if not data then return forget(0) end
local cutoff = tonumber(ARGV[1])
local len = string.len(data)

-- Bytes a msgpack number takes after its type byte, for the types not read inline below.
local NUMBER_BYTES = {[202] = 4, [203] = 8, [204] = 1, [205] = 2, [206] = 4, [207] = 8,
  [208] = 1, [209] = 2, [210] = 4, [211] = 8}

local byte = string.byte

-- The timestamp of the point at p and the position after it, for a point of any form the walk reads;
-- nil for anything else (the cmsgpack loop decides then).
local function readPoint(p)
  local h, tt, a, b, c, d = byte(data, p, p + 5)
  if h ~= 146 or tt == nil then return nil end
  local ts, q
  if tt == 206 and d then ts, q = ((a * 256 + b) * 256 + c) * 256 + d, p + 6
  elseif tt < 128 then ts, q = tt, p + 2
  elseif tt == 204 and a then ts, q = a, p + 3
  elseif tt == 205 and b then ts, q = a * 256 + b, p + 4
  elseif tt == 203 and p + 9 <= len then ts, q = struct.unpack('>d', data, p + 2), p + 10
  else return nil end
  local vt = byte(data, q)
  local size
  if vt == nil then return nil
  elseif vt < 128 or vt >= 224 then size = 1
  else
    size = NUMBER_BYTES[vt]
    if not size then return nil end
    size = size + 1
  end
  if q + size > len + 1 then return nil end
  return ts, q + size
end

-- Returns points, expired points, the length of the expired prefix in bytes and whether every expired
-- point is in that prefix; nil if a point is not one readPoint reads.
local function walk()
  local p, n, removed, cut, prefixOnly = 1, 0, 0, 0, true
  local lastWhole = len - 14
  while p <= len do
    local ts, stop
    local h, tt, a, b, c, d, vt = byte(data, p, p + 6)
    -- Skyline's and Kale's usual point, read inline: 0x92, a uint32 timestamp, a float64 value.
    if h == 146 and tt == 206 and vt == 203 and p <= lastWhole then
      ts, stop = ((a * 256 + b) * 256 + c) * 256 + d, p + 15
    else
      ts, stop = readPoint(p)
      if ts == nil then return nil end
    end
    n = n + 1
    -- The same test as the cmsgpack loop's, so a NaN timestamp is expired there and here.
    if not (ts >= cutoff) then
      removed = removed + 1
      if cut == p - 1 then cut = stop - 1 else prefixOnly = false end
    end
    p = stop
  end
  return n, removed, cut, prefixOnly
end

local n, expired, cut, prefixOnly = walk()
if n then
  if expired == n then return forget(expired) end
  if expired == 0 then return {n, 0, 0, 0} end
  if prefixOnly then
    redis.call('SET', KEYS[1], string.sub(data, cut + 1))
    return {n - expired, expired, 0, 0}
  end
end

local parts = {}
local kept, removed = 0, 0
local offset = 0
while offset < len do
  local ok, nextOffset, item = pcall(cmsgpack.unpack_limit, data, 1, offset)
  if not ok or type(item) ~= 'table' or type(item[1]) ~= 'number' then
    if whole then
      redis.call('RENAME', KEYS[1], KEYS[3])
      redis.call('SREM', KEYS[2], KEYS[1])
      return {0, 0, 0, 1}
    end
    redis.call('DEL', KEYS[1])
    return {0, 0, 0, 1, data}
  end
  local stop = nextOffset
  if stop < 0 then stop = len end
  if item[1] >= cutoff then
    kept = kept + 1
    parts[#parts + 1] = string.sub(data, offset + 1, stop)
  else
    removed = removed + 1
  end
  offset = stop
end
if kept == 0 then return forget(removed) end
if removed > 0 then
  redis.call('SET', KEYS[1], table.concat(parts))
end
return {kept, removed, 0, 0}
`;

/**
 * A whole writer batch as one command: ioredis spends far more per pipelined command than Redis does
 * (measured: ~75k APPENDs/s pipelined vs ~150k points/s through this script on the same box).
 *
 * Not used on a Redis Cluster, where the keys of a batch span many slots.
 *
 * KEYS[1] = metrics.unique_metrics, KEYS[2..n+1] = metrics.<name>
 * ARGV[1..n] = encoded points per key, ARGV[n+1..] = keys to add to the metric set (new names only)
 */
export const APPEND_LUA = `
local n = #KEYS - 1
for i = 1, n do
  redis.call('APPEND', KEYS[i + 1], ARGV[i])
end
for i = n + 1, #ARGV do
  redis.call('SADD', KEYS[1], ARGV[i])
end
return n
`;

/**
 * A batch of torus bucket writes as one command (same reason as APPEND_LUA; on a Redis Cluster, one
 * per slot). EXPIREAT NX sets a bucket's retention once, when it is new, and costs nothing over the
 * wire inside the script.
 *
 * KEYS[i] = bucket key; ARGV[3i-2] = type (s series, h histogram, c count, g gauge, t set),
 * ARGV[3i-1] = value, ARGV[3i] = expiry (epoch seconds; negated for a rolling schema, whose expiry
 * moves with every write).
 */
export const TORUS_LUA = `
for i = 1, #KEYS do
  local k, t, v, e = KEYS[i], ARGV[3 * i - 2], ARGV[3 * i - 1], ARGV[3 * i]
  if t == 's' then redis.call('RPUSH', k, v)
  elseif t == 'h' then redis.call('HINCRBY', k, v, 1)
  elseif t == 'c' then redis.call('INCRBYFLOAT', k, v)
  elseif t == 'g' then redis.call('SET', k, v, 'KEEPTTL')
  else redis.call('SADD', k, v) end
  if string.sub(e, 1, 1) == '-' then redis.call('EXPIREAT', k, string.sub(e, 2))
  else redis.call('EXPIREAT', k, e, 'NX') end
end
return #KEYS
`;
