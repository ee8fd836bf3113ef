#!/usr/bin/env bash
# Governance hop benchmark (not a test): trigger events through a governance-service with three matching policies
# (rate limit + budget + concurrency, all generous enough to approve everything) against a plain Kafka
# consumer→producer copy, in the same run on the same machine, so the result is a difference that survives noise.
#
#   deploy/bench/governance-hop.sh          # RATE=1000 DURATION=20 BURST=20000 by default; WARMUP=90 (seconds of load first)
#
# Prints a Markdown table and writes it to deploy/bench/results/governance-hop-<time>.md (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/deploy/bench"
WORK="$ROOT/deploy/local/.run/bench"
RATE="${RATE:-1000}"
DURATION="${DURATION:-20}"
# Seconds of load at RATE before the measured part (GovernanceBench reads it): a freshly started JVM is JIT-bound for
# about a minute on 2 cores, and the targets are about the steady state (docs/benchmarks.md, runs of 2026-11-30).
export WARMUP="${WARMUP:-90}"
BURST="${BURST:-20000}"
PORT="${GOV_PORT:-18940}"
RUN="gov$(date +%s)"
TOKEN="bench-$RUN"
TENANT="bench-$RUN"
mkdir -p "$WORK" "$BENCH/results"

"$ROOT/deploy/local/stack.sh" infra
JAR="$ROOT/governance-service/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -pl governance-service -am package -DskipTests)
CP="$ROOT/governance-service/target/quarkus-app/lib/main/*"
KAFKA=127.0.0.1:9092
topics() {
  for t in "$@"; do
    java -cp "$ROOT/deploy/local/.run/kafka/libs/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA" \
      --create --if-not-exists --topic "$t" --partitions 6 --replication-factor 1 >/dev/null
  done
}
topics "bench.$RUN.in" "bench.$RUN.approved" "bench.$RUN.rejected" "bench.$RUN.outcomes" "bench.$RUN.copy.in" \
  "bench.$RUN.copy.out"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The local stack's heap and collector, sized up front (as the webhook and dispatcher benchmarks do): started at 64 MiB
# the serial collector's young generation stays small and its frequent pauses show in the p99.
TRIGGERS_ADMIN_TOKEN="$TOKEN" java ${GOV_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC} \
  -Dquarkus.http.port="$PORT" -Dquarkus.http.host=127.0.0.1 \
  "-Dmp.messaging.incoming.\"triggers.inbound\".topic=bench.$RUN.in" \
  "-Dmp.messaging.incoming.\"triggers.inbound\".group.id=bench-$RUN" \
  "-Dmp.messaging.outgoing.\"triggers.approved\".topic=bench.$RUN.approved" \
  "-Dmp.messaging.outgoing.\"triggers.rejected\".topic=bench.$RUN.rejected" \
  "-Dmp.messaging.outgoing.\"triggers.outcomes\".topic=bench.$RUN.outcomes" \
  "-Dmp.messaging.incoming.outcomes-feedback.topic=bench.$RUN.outcomes" \
  "-Dmp.messaging.incoming.outcomes-feedback.group.id=bench-feedback-$RUN" ${GOV_EXTRA:-} \
  -jar "$JAR" > "$WORK/governance.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" && break; sleep 0.5; done

policy() {
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/api/v1/policies" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "$1" || { echo "could not create a policy (see $WORK/governance.log)"; exit 1; }
}
policy "{\"name\":\"rate\",\"tenantId\":\"$TENANT\",\"priority\":3,\"rateLimit\":{\"limit\":1000000,\"period\":\"PT1S\",\"key\":\"eventName\"}}"
policy "{\"name\":\"budget\",\"tenantId\":\"$TENANT\",\"priority\":2,\"budget\":{\"maxCostPerDayUsd\":1000000}}"
# Concurrency per event name (the generator uses 12): no outcomes come back here, so leases only expire, and one
# tenant-wide count would reach its cap (100,000) within the warm-up, measured run and burst.
policy "{\"name\":\"concurrency\",\"tenantId\":\"$TENANT\",\"priority\":1,\"concurrency\":{\"max\":100000,\"key\":\"eventName\"}}"
curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/evaluate" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "{\"tenantId\":\"$TENANT\",\"eventName\":\"bench.e1\"}" | grep -q '"matched":\["rate@1","budget@1","concurrency@1"\]' \
  || { echo "the three policies do not all match"; exit 1; }

run() { java -Xmx512m -cp "$CP" "$BENCH/GovernanceBench.java" "$KAFKA" "$@" "$TENANT" "$RATE" "$DURATION" "$BURST" | tail -n 1; }
COPY=$(run copy "bench.$RUN.copy.in" "bench.$RUN.copy.out")
HOP=$(run hop "bench.$RUN.in" "bench.$RUN.approved")
field() { sed -n "s/.*$2=\([0-9.a-zA-Z]*\).*/\1/p" <<< "$1"; }
ADDED=$(awk -v h="$(field "$HOP" p99_ms)" -v c="$(field "$COPY" p99_ms)" 'BEGIN { printf "%.2f", h - c }')
RATIO=$(awk -v h="$(field "$HOP" saturated_per_s)" -v c="$(field "$COPY" saturated_per_s)" 'BEGIN { printf "%.1f", 100 * h / c }')
STATS=$(curl -sf "http://127.0.0.1:$PORT/api/v1/stats?tenantId=$TENANT&window=PT1H" -H "Authorization: Bearer $TOKEN")

RESULT="$BENCH/results/governance-hop-$(date +%Y%m%d-%H%M%S).md"
{
  echo "Governance hop, $(nproc) cores, 3 matching policies (rate limit + budget + concurrency), audit in PostgreSQL, acks=all; ${DURATION}s at $RATE events/s, then a burst of $BURST."
  echo
  echo "| hop | saturated events/s | at $RATE/s: p50 ms | p95 ms | p99 ms | missing |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| plain consumer→producer copy | $(field "$COPY" saturated_per_s) | $(field "$COPY" p50_ms) | $(field "$COPY" p95_ms) | $(field "$COPY" p99_ms) | $(field "$COPY" missing) |"
  echo "| governance-service | $(field "$HOP" saturated_per_s) | $(field "$HOP" p50_ms) | $(field "$HOP" p95_ms) | $(field "$HOP" p99_ms) | $(field "$HOP" missing) |"
  echo
  echo "Governance adds $ADDED ms at p99 over the plain hop (target ≤ 2 ms); saturated throughput = $RATIO % of the plain hop."
  echo "Decision latency inside the service (policy evaluation incl. Redis), from /api/v1/stats: $(sed -n 's/.*\("p50LatencyMs":[0-9.]*\).*\("p95LatencyMs":[0-9.]*\).*\("p99LatencyMs":[0-9.]*\).*/\1 \2 \3/p' <<< "$STATS")"
} | tee "$RESULT"
