//! The Lua scripts the core runs in Redis. Each is atomic, reads Redis's own
//! clock (`TIME`) so workers on machines with skewed clocks agree, and
//! answers plain integers and strings the core interprets.
//!
//! Times in Redis are microseconds since the epoch (doubles hold them
//! exactly up to 2^53 µs, the year 2255).

use super::Script;

/// GCRA with reservation, per category, plus the fleet-wide pause, the
/// daily quota and a worker heartbeat.
///
/// KEYS: rate (TAT), pause, daily counter, daily block, workers.
/// ARGV: emission interval µs, longest wait ms the caller accepts, daily
/// limit (0: none), worker id, heartbeat window ms, `probe` (only the
/// heartbeat: a degraded worker asking whether Redis is back) or empty.
/// Answers `{granted, wait_ms, reason, workers, rank, clock_ms}`: granted 1 means a
/// slot is reserved `wait_ms` from now; 0 means nothing was reserved
/// (`reason` `paused`, `daily`, `probe` or `wait`: the slot would be later
/// than the caller accepts) and `wait_ms` says when to ask again. `rank` is
/// how many live workers have a smaller id: the worker's place in the turns
/// of degraded mode. `clock_ms` is Redis's clock when the script ran: how
/// late the answer reached the worker (see `ReplyClock`).
pub static ACQUIRE: Script = Script::new(
    "acquire",
    r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2]) * 1000
local daily_limit = tonumber(ARGV[3])
local window = tonumber(ARGV[5])
redis.call('ZADD', KEYS[5], now, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - window * 1000)
redis.call('PEXPIRE', KEYS[5], window * 2)
local ids = redis.call('ZRANGE', KEYS[5], 0, -1)
local workers = #ids
local rank = 0
for _, id in ipairs(ids) do
  if id < ARGV[4] then rank = rank + 1 end
end
local clock = math.floor(now / 1000)
if ARGV[6] == 'probe' then return {0, 0, 'probe', workers, rank, clock} end
local function ms(us) return math.ceil(us / 1000) end
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then return {0, ms(pause - now), 'paused', workers, rank, clock} end
if daily_limit > 0 then
  local block = tonumber(redis.call('GET', KEYS[4]) or '0')
  if block > now then return {0, ms(block - now), 'daily', workers, rank, clock} end
  local used = tonumber(redis.call('GET', KEYS[3]) or '0')
  if used >= daily_limit then
    local day = 86400000000
    local next_day = (math.floor(now / day) + 1) * day
    return {0, ms(next_day - now), 'daily', workers, rank, clock}
  end
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now
if wait > max_wait then return {0, ms(wait), 'wait', workers, rank, clock} end
redis.call('SET', KEYS[1], string.format('%.0f', tat + interval), 'PX', ms(tat + interval - now) + 1000)
if daily_limit > 0 then
  redis.call('INCR', KEYS[3])
  redis.call('PEXPIRE', KEYS[3], 172800000)
end
return {1, ms(wait), 'ok', workers, rank, clock}
"#,
);

/// Pauses a category for the whole fleet (after Zoom's 429).
///
/// KEYS: pause. ARGV: pause length ms. Answers the pause's end in ms from now.
pub static PAUSE: Script = Script::new(
    "pause",
    r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untl = now + tonumber(ARGV[1]) * 1000
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current > untl then untl = current end
redis.call('SET', KEYS[1], string.format('%.0f', untl), 'PX', math.ceil((untl - now) / 1000) + 1000)
return math.ceil((untl - now) / 1000)
"#,
);

/// Stops the daily-quota categories for the whole fleet until Zoom's reset.
///
/// KEYS: daily block. ARGV: the reset, ms since the epoch. Answers 1.
pub static BLOCK_DAILY: Script = Script::new(
    "block_daily",
    r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untl = tonumber(ARGV[1]) * 1000
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current > untl then untl = current end
if untl <= now then return 0 end
redis.call('SET', KEYS[1], string.format('%.0f', untl), 'PX', math.ceil((untl - now) / 1000) + 1000)
return 1
"#,
);

/// Takes the token lock with a fencing token.
///
/// KEYS: lock, fence counter. ARGV: worker id, lease ms.
/// Answers `{1, fence}` when taken, `{0, ms until the lease ends}` when
/// another worker holds it.
pub static LOCK: Script = Script::new(
    "lock",
    r#"
local holder = redis.call('GET', KEYS[1])
if holder then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = 0 end
  return {0, ttl}
end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'PX', ARGV[2])
return {1, fence}
"#,
);

/// Reads the shared token set. KEYS: tokens. Answers the JSON or nil.
pub static READ: Script = Script::new(
    "read",
    r#"
return redis.call('GET', KEYS[1])
"#,
);

/// Writes the token set only if no other worker took the lock since ours
/// (compare-and-swap on the fencing token).
///
/// KEYS: tokens, fence counter. ARGV: our fence, the token JSON.
/// Answers 1 when written, 0 when a later fence exists.
pub static WRITE: Script = Script::new(
    "write",
    r#"
local fence = tonumber(redis.call('GET', KEYS[2]) or '0')
if fence ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
"#,
);

/// Releases the lock if it is still ours.
///
/// KEYS: lock. ARGV: `worker:fence`. Answers 1 when released.
pub static UNLOCK: Script = Script::new(
    "unlock",
    r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"#,
);

/// Claims the next shard of a job: a pending one, or one whose lease ran
/// out (its worker is gone). KEYS: shards hash (shard -> state), order
/// list. ARGV: worker id, lease ms.
/// Answers `{shard, checkpoint or ''}` or nil when every shard is done or leased.
pub static CLAIM_SHARD: Script = Script::new(
    "claim_shard",
    r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local order = redis.call('LRANGE', KEYS[2], 0, -1)
for _, shard in ipairs(order) do
  local state = redis.call('HGET', KEYS[1], shard) or 'pending'
  local free = state == 'pending'
  if not free and string.sub(state, 1, 6) == 'lease:' then
    local untl = tonumber(string.match(state, '^lease:[^:]*:(%d+)'))
    free = untl ~= nil and untl <= now
  end
  if free then
    redis.call('HSET', KEYS[1], shard, 'lease:' .. ARGV[1] .. ':' .. (now + tonumber(ARGV[2])))
    local checkpoint = redis.call('HGET', KEYS[1], shard .. ':checkpoint') or ''
    return {shard, checkpoint}
  end
end
return nil
"#,
);

/// Registers a job's shards once (an existing job is left as it is).
/// KEYS: shards hash, order list. ARGV: the shard names. Answers how many
/// shards the job has.
pub static PLAN_SHARDS: Script = Script::new(
    "plan_shards",
    r#"
if redis.call('EXISTS', KEYS[2]) == 0 then
  for _, shard in ipairs(ARGV) do
    redis.call('RPUSH', KEYS[2], shard)
    redis.call('HSET', KEYS[1], shard, 'pending')
  end
end
return redis.call('LLEN', KEYS[2])
"#,
);

/// Saves where a shard stands and renews its lease, if it is still ours.
/// KEYS: shards hash. ARGV: shard, worker id, lease ms, checkpoint JSON
/// (empty: the shard is done). Answers 1, or 0 when the lease was lost.
pub static CHECKPOINT_SHARD: Script = Script::new(
    "checkpoint_shard",
    r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if string.match(state, '^lease:([^:]*):') ~= ARGV[2] then return 0 end
if ARGV[4] == '' then
  redis.call('HSET', KEYS[1], ARGV[1], 'done')
  redis.call('HDEL', KEYS[1], ARGV[1] .. ':checkpoint')
else
  redis.call('HSET', KEYS[1], ARGV[1], 'lease:' .. ARGV[2] .. ':' .. (now + tonumber(ARGV[3])))
  redis.call('HSET', KEYS[1], ARGV[1] .. ':checkpoint', ARGV[4])
end
return 1
"#,
);
