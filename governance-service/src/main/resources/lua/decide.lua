-- Decides one event against every stateful check of its matching policies, atomically: either all checks pass
-- and all of them consume (rate-limit slot, quota unit, concurrency lease, half-open probe), or the first failing
-- check names the rejection and nothing is consumed.
--
-- KEYS[1] = decided marker of the run; KEYS[2] = the run's feedback record; KEYS[2 + i] = key of check i
-- ARGV[1] = now in ms (0: Redis' own clock, which every replica shares); ARGV[2] = '1' commit, '0' dry run;
-- ARGV[3] = marker TTL ms; ARGV[4] = feedback record (JSON, '' when the outcome feeds nothing back);
-- ARGV[5] = feedback TTL ms; ARGV[6] = run id;
-- ARGV[7] = number of checks; then 4 arguments per check: kind, p1, p2, p3.
--   rl (GCRA):      p1 = emission interval in whole µs, p2 = capacity (limit + burst); the TAT is kept in whole
--                   µs, so the arithmetic is exact in Lua's doubles (no rounding drift across a burst)
--   qt (quota):     p1 = max runs of the day,  p2 = ms until the day ends, p3 = the day's index of buckets
--   bg (budget):    p1 = max cost of the day,  p2 = ms until the day ends, p3 = the day's index of buckets
--   cd (cooldown):  -
--   cc (in flight): p1 = max,                  p2 = lease ms (a run whose outcome never comes frees its slot then)
--   cb (breaker):   p1 = open-for ms,          p2 = half-open probes
-- Returns {'A'} approved, {'R', check, reason, retryAfterMs} rejected, or {'D', marker} when decided before.
local now = tonumber(ARGV[1])
local nowUs
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  nowUs = now * 1000
end
local commit = ARGV[2] == '1'
if commit then
  local prior = redis.call('GET', KEYS[1])
  if prior then
    return {'D', prior}
  end
end
local n = tonumber(ARGV[7])
local plan = {}
for i = 1, n do
  local key = KEYS[i + 2]
  local base = 7 + (i - 1) * 4
  local kind, p1, p2 = ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local reject, retry = nil, 0
  if kind == 'rl' then
    local tat = tonumber(redis.call('GET', key) or nowUs)
    if tat < nowUs then tat = nowUs end
    local newTat = tat + p1
    local over = newTat - nowUs - p1 * p2
    if over > 0 then reject, retry = 'rate_limited', over / 1000 else plan[i] = newTat end
  elseif kind == 'qt' then
    if tonumber(redis.call('GET', key) or '0') >= p1 then reject, retry = 'quota_exhausted', p2 end
  elseif kind == 'bg' then
    if tonumber(redis.call('GET', key) or '0') >= p1 then reject, retry = 'budget_exhausted', p2 end
  elseif kind == 'cd' then
    local ttl = redis.call('PTTL', key)
    if ttl > 0 then reject, retry = 'cooldown', ttl end
  elseif kind == 'cc' then
    if redis.call('ZCOUNT', key, '(' .. now, '+inf') >= p1 then reject, retry = 'concurrency_limited', 1000 end
  elseif kind == 'cb' then
    local st = redis.call('HMGET', key, 'state', 'until', 'probes')
    local state, untilMs, probes = st[1] or 'closed', tonumber(st[2] or '0'), tonumber(st[3] or '0')
    if state == 'open' then
      if now < untilMs then reject, retry = 'circuit_open', untilMs - now else plan[i] = 'first-probe' end
    elseif state == 'half' then
      if now >= untilMs then
        plan[i] = 'first-probe' -- the probes never reported back: admit fresh ones
      elseif probes >= p2 then
        reject, retry = 'circuit_open', untilMs - now
      else
        plan[i] = 'probe'
      end
    end
  end
  if reject then
    retry = math.max(1, math.ceil(retry))
    if commit then
      redis.call('SET', KEYS[1], 'R|' .. i .. '|' .. reject .. '|' .. retry, 'PX', ARGV[3])
    end
    return {'R', i, reject, retry}
  end
end
if commit then
  for i = 1, n do
    local key = KEYS[i + 2]
    local base = 7 + (i - 1) * 4
    local kind, p1, p2, p3 = ARGV[base + 1], tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3]), ARGV[base + 4]
    if kind == 'rl' then
      -- Kept a minute past its theoretical arrival time: a stale tat counts as now anyway, and the margin covers a
      -- caller whose clock (nowUs) runs behind Redis's, which would otherwise see its bucket refilled early.
      redis.call('SET', key, string.format('%.0f', plan[i]), 'PX', math.ceil((plan[i] - nowUs) / 1000) + 60000)
    elseif kind == 'qt' or kind == 'bg' then
      if kind == 'qt' then
        redis.call('INCR', key)
        redis.call('PEXPIRE', key, math.ceil(p2) + 86400000)
      end
      -- The dashboards list a day's buckets from this index instead of scanning the keyspace.
      redis.call('SADD', p3, key)
      redis.call('PEXPIRE', p3, math.ceil(p2) + 86400000)
    elseif kind == 'cc' then
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
      redis.call('ZADD', key, now + p2, ARGV[6])
      redis.call('PEXPIRE', key, math.ceil(p2))
    elseif kind == 'cb' and plan[i] == 'first-probe' then
      redis.call('HSET', key, 'state', 'half', 'until', now + p1, 'probes', 1, 'ok', 0, 'since', now)
    elseif kind == 'cb' and plan[i] == 'probe' then
      redis.call('HINCRBY', key, 'probes', 1)
    end
  end
  redis.call('SET', KEYS[1], 'A', 'PX', ARGV[3])
  if n > 0 and ARGV[4] ~= '' then
    redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
  end
end
return {'A'}
