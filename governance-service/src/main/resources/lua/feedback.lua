-- Feeds one run's outcome back into the limits its approval touched (listed in its feedback record): frees its
-- concurrency leases, adds its cost to the day's budgets, stamps cooldowns after a success and moves circuit
-- breakers. Applied at most once per run, however often the outcome is delivered.
--
-- KEYS[1] = the run's feedback record; KEYS[2] = its "applied" marker
-- ARGV[1] = now in ms (0: Redis' clock); ARGV[2] = run id; ARGV[3] = 'ok' | 'fail' | 'none'; ARGV[4] = cost;
-- ARGV[5] = marker TTL ms
-- Returns a flat list of breaker transitions: key, new state, key, new state, ...
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local raw = redis.call('GET', KEYS[1])
if not raw then
  return {}
end
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[5]) then
  return {}
end
local fb = cjson.decode(raw)
local run, class, cost = ARGV[2], ARGV[3], tonumber(ARGV[4])
for _, key in ipairs(fb.cc or {}) do
  redis.call('ZREM', key, run)
end
if cost > 0 then
  for _, b in ipairs(fb.bg or {}) do
    redis.call('INCRBYFLOAT', b[1], cost)
    redis.call('PEXPIRE', b[1], b[2])
  end
end
if class == 'ok' then
  for _, c in ipairs(fb.cd or {}) do
    redis.call('SET', c[1], now, 'PX', c[2])
  end
end
local changes = {}
if class ~= 'none' then
  for _, b in ipairs(fb.cb or {}) do
    local key, window, minRuns, ratio, openFor, probes, all, failed = b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8]
    redis.call('SADD', 'gov:cbi', key) -- the index the dashboards list breakers from
    redis.call('ZADD', all, now, run)
    redis.call('ZREMRANGEBYSCORE', all, '-inf', now - window)
    redis.call('PEXPIRE', all, window)
    if class == 'fail' then
      redis.call('ZADD', failed, now, run)
    end
    redis.call('ZREMRANGEBYSCORE', failed, '-inf', now - window)
    redis.call('PEXPIRE', failed, window)
    local state = redis.call('HGET', key, 'state') or 'closed'
    if state == 'half' then
      if class == 'ok' then
        if redis.call('HINCRBY', key, 'ok', 1) >= probes then
          redis.call('HSET', key, 'state', 'closed', 'until', 0, 'probes', 0, 'ok', 0, 'since', now)
          redis.call('DEL', all, failed)
          table.insert(changes, key)
          table.insert(changes, 'closed')
        end
      else
        redis.call('HSET', key, 'state', 'open', 'until', now + openFor, 'probes', 0, 'ok', 0, 'since', now)
        redis.call('HINCRBY', key, 'opened', 1)
        table.insert(changes, key)
        table.insert(changes, 'open')
      end
    elseif state == 'closed' then
      local total = redis.call('ZCARD', all)
      local fails = redis.call('ZCARD', failed)
      if total >= minRuns and fails / total >= ratio then
        redis.call('HSET', key, 'state', 'open', 'until', now + openFor, 'probes', 0, 'ok', 0, 'since', now)
        redis.call('HINCRBY', key, 'opened', 1)
        redis.call('DEL', all, failed)
        table.insert(changes, key)
        table.insert(changes, 'open')
      end
    end
  end
end
redis.call('DEL', KEYS[1])
return changes
