#!/usr/bin/env bash
# Webhook ingest benchmark (not a test): the webhook-gateway — HMAC-SHA256 verification over the raw body, parsing,
# the event log and an acks=all publish to Kafka — against a bare Vert.x server that only answers 202, in the same
# run on the same machine, so the result is a ratio that survives noisy neighbours.
#
#   deploy/bench/webhook-ingest.sh            # DURATION=20 RATE=1000 CONNECTIONS=256 ROUNDS=3 by default
#
# After a 20 s warm-up each, the two targets are saturated in turns, ROUNDS times, and compared by their medians.
#
# Saturation needs enough concurrency to saturate: with 64 connections the gateway is bound by the broker's round trip
# (each connection waits for an acks=all acknowledgement) and 7-21 % of the machine stays idle; with 256 it is not.
# Both targets always run with the same CONNECTIONS, so CONNECTIONS=64 gives the older, latency-bound comparison.
#
# Before the fixed-rate runs the script waits (up to a minute) until the machine is quiet again: the saturation runs
# leave work behind (the event log's last batches, PostgreSQL's autovacuum of the rows just written) that would
# otherwise land in the latency of whichever run comes next.
#
# The gateway runs with the local stack's 256 MiB heap and serial GC, but sized up front (-Xms256m): started at 64 MiB
# the heap never grows (the live set is ~25 MiB), so the young generation stays at ~20 MiB and collects about ten times
# a second under load. GW_JAVA_OPTS replaces these options (e.g. GW_JAVA_OPTS="-Xms64m -Xmx256m -XX:+UseSerialGC" for
# the stack's own, or add -XX:StartFlightRecording=filename=/tmp/gw.jfr,settings=profile); GW_EXTRA adds -D overrides.
# The gateway's adaptive admission limit is off here: saturated on purpose, it would refuse what this measures.
#
# Prints a Markdown table and writes it to deploy/bench/results/webhook-ingest-<time>.md (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/deploy/bench"
WORK="$ROOT/deploy/local/.run/bench"
DURATION="${DURATION:-20}"
RATE="${RATE:-1000}"
CONNECTIONS="${CONNECTIONS:-256}"
ROUNDS="${ROUNDS:-3}"
BARE_PORT="${BARE_PORT:-18900}"
GATEWAY_PORT="${GATEWAY_PORT:-18901}"
TOKEN="bench-$(date +%s)"
mkdir -p "$WORK" "$BENCH/results"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y wrk >/dev/null; }
"$ROOT/deploy/local/stack.sh" infra
JAR="$ROOT/webhook-gateway/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -pl webhook-gateway -am package -DskipTests)

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

java -Xmx256m -cp "$ROOT/webhook-gateway/target/quarkus-app/lib/main/*" "$BENCH/BareServer.java" "$BARE_PORT" \
  > "$WORK/bare.log" 2>&1 &
PIDS+=($!)
TRIGGERS_ADMIN_TOKEN="$TOKEN" TRIGGERS_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" \
  java ${GW_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC} ${GW_EXTRA:-} \
  -Dquarkus.http.port="$GATEWAY_PORT" -Dquarkus.http.host=127.0.0.1 \
  -Dtriggers.overload.adaptive.enabled=false \
  "-Dmp.messaging.outgoing.\"triggers.inbound\".topic=bench.inbound.$TOKEN" \
  -jar "$JAR" > "$WORK/gateway.log" 2>&1 &
PIDS+=($!)

for url in "http://127.0.0.1:$GATEWAY_PORT/q/health/ready" "http://127.0.0.1:$BARE_PORT/"; do
  for _ in $(seq 1 240); do curl -s -o /dev/null "$url" && break; sleep 0.5; done
done

SECRET="bench-secret-$(date +%s)"
ENDPOINT=$(curl -sf -X POST "http://127.0.0.1:$GATEWAY_PORT/api/v1/endpoints" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d "{\"name\":\"bench-$TOKEN\",\"tenantId\":\"bench\",\"eventName\":\"bench.ingest\",\"secret\":\"$SECRET\",
       \"auth\":{\"type\":\"hmac\",\"algorithm\":\"sha256\",\"header\":\"X-Signature\",\"encoding\":\"hex\",\"prefix\":\"sha256=\"}}" \
  | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$ENDPOINT" ] || { echo "could not create the endpoint (see $WORK/gateway.log)"; exit 1; }

# A 1 KiB JSON body and its signature.
python3 - "$WORK/body.json" <<'PY'
import json, sys
body = {"event": "order.created", "id": "ord_123", "items": [{"sku": "sku-%03d" % i, "qty": i} for i in range(28)]}
text = json.dumps(body)
text = text[:-1] + ', "pad": "' + "x" * (1024 - len(text) - 11) + '"}'
open(sys.argv[1], "w").write(text)
PY
SIG="sha256=$(openssl dgst -sha256 -hmac "$SECRET" -r < "$WORK/body.json" | cut -d' ' -f1)"
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$WORK/body.json", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Signature"] = "$SIG"
LUA
curl -sf -o /dev/null -w '%{http_code}\n' -X POST "http://127.0.0.1:$GATEWAY_PORT/webhooks/$ENDPOINT" \
  -H 'Content-Type: application/json' -H "X-Signature: $SIG" --data-binary @"$WORK/body.json" | grep -q 202 \
  || { echo "the signed request was not accepted"; exit 1; }

warm() { wrk -t2 -c"$CONNECTIONS" -d20s -s "$WORK/post.lua" "$1" > /dev/null; }   # the JIT needs it on 2 cores
saturate() { # url → requests/s and non-2xx count
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/post.lua" "$1" > "$WORK/wrk.out"
  local rps non2xx
  rps=$(awk '/Requests\/sec/ {print int($2)}' "$WORK/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.out"); non2xx=${non2xx:-0}
  echo "$rps $non2xx"
}
fixed_rate() { # url → LoadGen line
  java "$BENCH/LoadGen.java" "$1" "$RATE" "$DURATION" "$WORK/body.json" "Content-Type:application/json" \
    "X-Signature:$SIG" | tail -n 1
}

cpu_times() { awk '/^cpu / {print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }   # idle, total
quiet() { # waits until the machine is ≥ 85 % idle for two seconds in a row, at most 60 s
  local calm=0 idle0 total0 idle1 total1
  for _ in $(seq 1 60); do
    read -r idle0 total0 < <(cpu_times)
    sleep 1
    read -r idle1 total1 < <(cpu_times)
    if [ $((100 * (idle1 - idle0))) -ge $((85 * (total1 - total0))) ]; then
      calm=$((calm + 1)); [ "$calm" -ge 2 ] && return 0
    else
      calm=0
    fi
  done
  echo "the machine did not get quiet within 60 s; measuring anyway" >&2
}

BARE_URL="http://127.0.0.1:$BARE_PORT/"
GW_URL="http://127.0.0.1:$GATEWAY_PORT/webhooks/$ENDPOINT"
ratio() { awk -v g="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * g / b }'; }   # gateway, bare → percent
median() { tr ' ' '\n' <<< "$*" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
warm "$BARE_URL"
warm "$GW_URL"
# The two targets take turns, ROUNDS times: the machine's speed drifts over minutes, and alternating keeps a drift
# from landing on one target only. The ratio is that of the medians.
BARE_ALL=(); GW_ALL=(); RATIOS=(); BARE_ERR=0; GW_ERR=0
for _ in $(seq 1 "$ROUNDS"); do
  read -r rps err < <(saturate "$BARE_URL"); BARE_ALL+=("$rps"); BARE_ERR=$((BARE_ERR + err))
  read -r grps err < <(saturate "$GW_URL"); GW_ALL+=("$grps"); GW_ERR=$((GW_ERR + err))
  RATIOS+=("$(ratio "$grps" "$rps")")
done
BARE_RPS=$(median "${BARE_ALL[@]}")
GW_RPS=$(median "${GW_ALL[@]}")
quiet
BARE_FIXED=$(fixed_rate "$BARE_URL")
quiet
GW_FIXED=$(fixed_rate "$GW_URL")
field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<< "$1"; }
RATIO=$(ratio "$GW_RPS" "$BARE_RPS")

# The run's own event log entries go again, so repeated runs do not measure an ever larger table.
if command -v psql >/dev/null; then
  psql -q -h 127.0.0.1 -U triggers -d triggers -c "delete from webhook.events where endpoint_id = '$ENDPOINT'" \
    >/dev/null 2>&1 || true
fi

RESULT="$BENCH/results/webhook-ingest-$(date +%Y%m%d-%H%M%S).md"
{
  echo "Webhook ingest, $(nproc) cores, 1 KiB JSON, HMAC-SHA256, acks=all, event log on; ${DURATION}s per run."
  echo
  echo "| target | saturated req/s (wrk -c$CONNECTIONS, median of $ROUNDS) | non-2xx | at $RATE req/s: p50 ms | p95 ms | p99 ms | errors |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  echo "| bare Vert.x (202 only) | $BARE_RPS | $BARE_ERR | $(field "$BARE_FIXED" p50_ms) | $(field "$BARE_FIXED" p95_ms) | $(field "$BARE_FIXED" p99_ms) | $(field "$BARE_FIXED" errors) |"
  echo "| webhook-gateway | $GW_RPS | $GW_ERR | $(field "$GW_FIXED" p50_ms) | $(field "$GW_FIXED" p95_ms) | $(field "$GW_FIXED" p99_ms) | $(field "$GW_FIXED" errors) |"
  echo
  echo "Gateway throughput = $RATIO % of the bare server (target ≥ 25 %); p99 at $RATE req/s target ≤ 25 ms."
  echo "Rounds (bare / gateway req/s, ratio): $(for i in "${!RATIOS[@]}"; do printf '%s / %s (%s %%)  ' \
    "${BARE_ALL[$i]}" "${GW_ALL[$i]}" "${RATIOS[$i]}"; done)"
} | tee "$RESULT"
