#!/usr/bin/env bash
# api-gateway benchmark (not a test), two parts measured in the same run on the same machine, so the results are
# differences and ratios that survive noisy neighbours:
#
# 1. Sync round trip: a sync API trigger through the whole pipeline (api-gateway → Kafka → governance → Kafka →
#    agent-dispatcher → runtime simulator → ledger → outcome → the waiting request) against calling the simulator
#    directly, both at RATE requests/s with an open-model load generator. Added latency = gateway − direct.
# 2. Async accept throughput: a second api-gateway process (the stack's jar, 256 MiB heap sized up front like the
#    webhook benchmark) publishing to a topic of its own that nothing consumes, so the pipeline behind it does not
#    compete for the 2 cores; an async trigger (API key, body checks, accepted-run record, acks=all publish) against
#    a bare Vert.x server that only answers 202, both saturated with wrk.
#
#   deploy/local/stack.sh up && deploy/bench/api-gateway.sh     # DURATION=20 RATE=200 CONNECTIONS=64 WARMUP=150
#
# Uses the running local stack (its api-gateway on 8080 and its admin token). Prints a Markdown table and writes it
# to deploy/bench/results/api-gateway-<time>.md (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/deploy/bench"
WORK="$ROOT/deploy/local/.run/bench"
DURATION="${DURATION:-20}"
RATE="${RATE:-200}"
CONNECTIONS="${CONNECTIONS:-64}"
BARE_PORT="${BARE_PORT:-18900}"
GATEWAY_PORT="${GATEWAY_PORT:-18902}"
GW="http://127.0.0.1:8080"
SIM="http://127.0.0.1:8090"
TOKEN="$(cat "$ROOT/deploy/local/.run/admin-token" 2>/dev/null || true)"
mkdir -p "$WORK" "$BENCH/results"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y wrk >/dev/null; }
curl -sf -o /dev/null "$GW/q/health/ready" || { echo "start the stack first: deploy/local/stack.sh up"; exit 1; }
[ -n "$TOKEN" ] || { echo "no admin token in deploy/local/.run/admin-token"; exit 1; }

PIDS=()
IDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${KEY_ID:-}" ] && curl -s -o /dev/null -X DELETE "$GW/admin/v1/api-keys/$KEY_ID" -H "Authorization: Bearer $TOKEN"
  for id in "${IDS[@]}"; do
    curl -s -o /dev/null -X DELETE "$GW/admin/v1/api-triggers/$id" -H "Authorization: Bearer $TOKEN" || true
  done
}
trap cleanup EXIT

java -Xmx256m -cp "$ROOT/api-gateway/target/quarkus-app/lib/main/*" "$BENCH/BareServer.java" "$BARE_PORT" \
  > "$WORK/bare.log" 2>&1 &
PIDS+=($!)
RUN="$(date +%s)"
TRIGGERS_ADMIN_TOKEN="$TOKEN" java ${GW_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC} \
  -Dquarkus.http.port="$GATEWAY_PORT" -Dquarkus.http.host=127.0.0.1 \
  -Dtriggers.overload.adaptive.enabled=false \
  "-Dmp.messaging.outgoing.\"triggers.inbound\".topic=bench.api.$RUN" \
  -jar "$ROOT/api-gateway/target/quarkus-app/quarkus-run.jar" > "$WORK/api-gateway.log" 2>&1 &
PIDS+=($!)
for url in "http://127.0.0.1:$BARE_PORT/" "http://127.0.0.1:$GATEWAY_PORT/q/health/ready"; do
  for _ in $(seq 1 240); do curl -s -o /dev/null "$url" && break; sleep 0.5; done
done

register() { # mode → trigger id
  curl -sf -X POST "$GW/admin/v1/api-triggers" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"tenantId\":\"bench\",\"name\":\"bench-$1-$RUN\",\"path\":\"/bench/$RUN/$1\",\"eventName\":\"bench.$1\",
         \"responseMode\":\"$1\",\"syncTimeoutSeconds\":30,\"authRequired\":false}" \
    | sed -n 's/.*"id":"\([^"]*\)".*/\1/p'
}
SYNC_ID=$(register sync); IDS+=("$SYNC_ID")
ASYNC_ID=$(register async); IDS+=("$ASYNC_ID")
[ -n "$SYNC_ID" ] && [ -n "$ASYNC_ID" ] || { echo "could not register the triggers"; exit 1; }
# The async trigger needs a key: the measured path includes the key lookup (cached) and the per-key check.
KEY_JSON=$(curl -sf -X POST "$GW/admin/v1/api-keys" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"tenantId\":\"bench\",\"name\":\"bench-$RUN\"}")
API_KEY=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' <<< "$KEY_JSON")
KEY_ID=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' <<< "$KEY_JSON")
curl -s -o /dev/null -X PUT "$GW/admin/v1/api-triggers/$ASYNC_ID" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "{\"tenantId\":\"bench\",\"name\":\"bench-async-$RUN\",
    \"path\":\"/bench/$RUN/async\",\"eventName\":\"bench.async\",\"authRequired\":true}"

echo '{"orderId":"ord_123","amount":42.5,"items":[{"sku":"a","qty":1},{"sku":"b","qty":2}]}' > "$WORK/api-body.json"
curl -sf -X POST "$GW/bench/$RUN/sync" -H 'Content-Type: application/json' --data-binary @"$WORK/api-body.json" \
  | grep -q '"status":"succeeded"' || { echo "the sync trigger did not answer succeeded"; exit 1; }

fixed_rate() { # url → LoadGen line
  java "$BENCH/LoadGen.java" "$1" "$RATE" "$DURATION" "$WORK/api-body.json" "Content-Type:application/json" | tail -n 1
}
field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<< "$1"; }

# Warm both paths, then measure the steady state. A freshly started stack is JIT-bound for its first minute or two
# at this rate on 2 cores (six services compiling at once: p50 284 ms, then 64 ms, then ~26 ms in consecutive 20 s
# runs after a start on 2026-11-30), so the pipeline gets WARMUP seconds (default 150) of the same load first.
java "$BENCH/LoadGen.java" "$SIM/v1/runs" "$RATE" 10 "$WORK/api-body.json" "Content-Type:application/json" > /dev/null
java "$BENCH/LoadGen.java" "$GW/bench/$RUN/sync" "$RATE" "${WARMUP:-150}" "$WORK/api-body.json" \
  "Content-Type:application/json" > /dev/null
DIRECT=$(fixed_rate "$SIM/v1/runs")
SYNC=$(fixed_rate "$GW/bench/$RUN/sync")

cat > "$WORK/api-post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$WORK/api-body.json", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "$API_KEY"
LUA
saturate() { # url → requests/s and non-2xx count
  wrk -t2 -c"$CONNECTIONS" -d10s -s "$WORK/api-post.lua" "$1" > /dev/null
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/api-post.lua" "$1" > "$WORK/wrk.out"
  local rps non2xx
  rps=$(awk '/Requests\/sec/ {print int($2)}' "$WORK/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.out"); non2xx=${non2xx:-0}
  echo "$rps $non2xx"
}
read -r BARE_RPS BARE_ERR < <(saturate "http://127.0.0.1:$BARE_PORT/")
for _ in $(seq 1 40); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$GATEWAY_PORT/bench/$RUN/async" \
    -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' -d '{}')" = 202 ] && break; sleep 0.25
done
read -r ASYNC_RPS ASYNC_ERR < <(saturate "http://127.0.0.1:$GATEWAY_PORT/bench/$RUN/async")

ADD50=$(awk -v g="$(field "$SYNC" p50_ms)" -v d="$(field "$DIRECT" p50_ms)" 'BEGIN { printf "%.1f", g - d }')
ADD99=$(awk -v g="$(field "$SYNC" p99_ms)" -v d="$(field "$DIRECT" p99_ms)" 'BEGIN { printf "%.1f", g - d }')
RATIO=$(awk -v g="$ASYNC_RPS" -v b="$BARE_RPS" 'BEGIN { printf "%.1f", 100 * g / b }')
RESULT="$BENCH/results/api-gateway-$(date +%Y%m%d-%H%M%S).md"
{
  echo "api-gateway, $(nproc) cores, local stack, simulator latency $(curl -s "$SIM/v1/config" | sed -n 's/.*"latencyMs":\([0-9]*\).*/\1/p') ms; ${DURATION}s per run."
  echo
  echo "| sync at $RATE req/s | p50 ms | p95 ms | p99 ms | errors |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| simulator directly | $(field "$DIRECT" p50_ms) | $(field "$DIRECT" p95_ms) | $(field "$DIRECT" p99_ms) | $(field "$DIRECT" errors) |"
  echo "| sync API trigger (whole pipeline) | $(field "$SYNC" p50_ms) | $(field "$SYNC" p95_ms) | $(field "$SYNC" p99_ms) | $(field "$SYNC" errors) |"
  echo
  echo "Added by the pipeline: p50 $ADD50 ms, p99 $ADD99 ms (target: p50 ≤ 15 ms)."
  echo
  echo "| async accept, saturated (wrk -c$CONNECTIONS) | req/s | non-2xx |"
  echo "| --- | --- | --- |"
  echo "| bare Vert.x (202 only) | $BARE_RPS | $BARE_ERR |"
  echo "| async API trigger (own gateway process, topic nobody consumes) | $ASYNC_RPS | $ASYNC_ERR |"
  echo
  echo "Async accept throughput = $RATIO % of the bare server."
} | tee "$RESULT"
