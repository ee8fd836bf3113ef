#!/usr/bin/env bash
# Dispatcher benchmark (not a test): approved events through an agent-dispatcher (claim + run row in PostgreSQL, the
# runtime call, ledger update, outcome published acks=all) timed from the approved topic to the outcome, against a
# plain Kafka consumer→producer copy in the same run. The runtime is a simulator of its own answering at once
# (latency 0), so what is left is the dispatcher's overhead plus one local HTTP call.
#
#   deploy/bench/dispatcher-hop.sh          # RATE=500 DURATION=20 BURST=20000 by default; WARMUP=90 (seconds of load first)
#   DISPATCHER_JAR=…/quarkus-run.jar SIM_LATENCY_MS=20 …   # another build (A/B), a runtime that takes its time
#
# Prints a Markdown table and writes it to deploy/bench/results/dispatcher-hop-<time>.md (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/deploy/bench"
WORK="$ROOT/deploy/local/.run/bench"
RATE="${RATE:-500}"
DURATION="${DURATION:-20}"
# Seconds of load at RATE before the measured part (GovernanceBench reads it): a freshly started JVM is JIT-bound for
# about a minute on 2 cores, and the targets are about the steady state (docs/benchmarks.md, runs of 2026-11-30).
export WARMUP="${WARMUP:-90}"
BURST="${BURST:-20000}"
PORT="${DISPATCHER_PORT:-18950}"
SIM_PORT="${SIM_PORT:-18951}"
RUN="disp$(date +%s)"
TOKEN="bench-$RUN"
TENANT="bench-$RUN"
mkdir -p "$WORK" "$BENCH/results"

"$ROOT/deploy/local/stack.sh" infra
JAR="${DISPATCHER_JAR:-$ROOT/agent-dispatcher/target/quarkus-app/quarkus-run.jar}"
SIM_JAR="$ROOT/deploy/runtime-simulator/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] && [ -f "$SIM_JAR" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
CP="$ROOT/governance-service/target/quarkus-app/lib/main/*"
KAFKA=127.0.0.1:9092
for t in "bench.$RUN.approved" "bench.$RUN.outcomes" "bench.$RUN.copy.in" "bench.$RUN.copy.out"; do
  java -cp "$ROOT/deploy/local/.run/kafka/libs/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA" \
    --create --if-not-exists --topic "$t" --partitions 6 --replication-factor 1 >/dev/null
done

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

java ${SIM_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC} -Dquarkus.http.port="$SIM_PORT" -Dquarkus.http.host=127.0.0.1 -jar "$SIM_JAR" \
  > "$WORK/simulator.log" 2>&1 &
PIDS+=($!)
TRIGGERS_ADMIN_TOKEN="$TOKEN" java ${DISPATCHER_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC} \
  -Dquarkus.http.port="$PORT" -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.rest-client.agent-runtime.url="http://127.0.0.1:$SIM_PORT" -Dtriggers.outbound.allow=127.0.0.1 \
  "-Dmp.messaging.incoming.\"triggers.approved\".topic=bench.$RUN.approved" \
  "-Dmp.messaging.incoming.\"triggers.approved\".group.id=bench-$RUN" \
  "-Dmp.messaging.incoming.\"triggers.rejected\".topic=bench.$RUN.rejected" \
  "-Dmp.messaging.outgoing.\"triggers.outcomes\".topic=bench.$RUN.outcomes" \
  "-Dmp.messaging.outgoing.\"triggers.dlq\".topic=bench.$RUN.dlq" \
  "-Dmp.messaging.outgoing.replays.topic=bench.$RUN.approved" ${DISPATCHER_EXTRA:-} \
  -jar "$JAR" > "$WORK/dispatcher.log" 2>&1 &
PIDS+=($!)
for url in "http://127.0.0.1:$SIM_PORT/v1/config" "http://127.0.0.1:$PORT/q/health/ready"; do
  for _ in $(seq 1 240); do curl -sf -o /dev/null "$url" && break; sleep 0.5; done
done
curl -sf -o /dev/null -X PUT "http://127.0.0.1:$SIM_PORT/v1/config" -H 'Content-Type: application/json' -d "{\"latencyMs\":${SIM_LATENCY_MS:-0}}"

run() { # mode in out [subject]
  java -Xmx512m -cp "$CP" "$BENCH/GovernanceBench.java" "$KAFKA" "$1" "$2" "$3" "$TENANT" "$RATE" "$DURATION" "$BURST" \
    ${4:-} | tail -n 1
}
COPY=$(run copy "bench.$RUN.copy.in" "bench.$RUN.copy.out")
HOP=$(run hop "bench.$RUN.approved" "bench.$RUN.outcomes" subject)
# The dispatcher's own view of the run (call latency, run duration, batch sizes) for the analysis.
curl -sf "http://127.0.0.1:$PORT/q/metrics" > "$WORK/dispatcher-metrics.txt" || true
field() { sed -n "s/.*$2=\([0-9.a-zA-Z]*\).*/\1/p" <<< "$1"; }
ADDED50=$(awk -v h="$(field "$HOP" p50_ms)" -v c="$(field "$COPY" p50_ms)" 'BEGIN { printf "%.2f", h - c }')
ADDED99=$(awk -v h="$(field "$HOP" p99_ms)" -v c="$(field "$COPY" p99_ms)" 'BEGIN { printf "%.2f", h - c }')

RESULT="$BENCH/results/dispatcher-hop-$(date +%Y%m%d-%H%M%S).md"
{
  echo "Dispatcher hop, $(nproc) cores, runtime answering at once, ledger in PostgreSQL, acks=all; ${DURATION}s at $RATE events/s, then a burst of $BURST."
  echo
  echo "| hop | saturated runs/s | at $RATE/s: p50 ms | p95 ms | p99 ms | missing |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| plain consumer→producer copy | $(field "$COPY" saturated_per_s) | $(field "$COPY" p50_ms) | $(field "$COPY" p95_ms) | $(field "$COPY" p99_ms) | $(field "$COPY" missing) |"
  echo "| agent-dispatcher (approved → outcome) | $(field "$HOP" saturated_per_s) | $(field "$HOP" p50_ms) | $(field "$HOP" p95_ms) | $(field "$HOP" p99_ms) | $(field "$HOP" missing) |"
  echo
  echo "The dispatcher adds $ADDED50 ms at p50 and $ADDED99 ms at p99 over the plain hop (target ≤ 5 ms p99 at 500/s); saturated: target ≥ 2,000 runs/s."
} | tee "$RESULT"
