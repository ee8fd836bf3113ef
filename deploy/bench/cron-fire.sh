#!/usr/bin/env bash
# cron-service firing benchmark (not a test): one replica, SCHEDULES active schedules (default 100,000) of which
# PER_SECOND*60 fire once a minute, spread over the seconds (default 1,000 fires per second), the rest hourly.
# It runs its own cron-service process in a cluster of its own, publishing to a topic nobody consumes, and reads
# the fire delay (emission − due time) and the process CPU from /q/metrics after DURATION seconds.
#
#   deploy/bench/cron-fire.sh        # SCHEDULES=100000 PER_SECOND=1000 DURATION=60
#
# Writes deploy/bench/results/cron-fire-<time>.md (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/deploy/bench"
WORK="$ROOT/deploy/local/.run/bench"
SCHEDULES="${SCHEDULES:-100000}"
PER_SECOND="${PER_SECOND:-1000}"
DURATION="${DURATION:-60}"
PORT="${PORT:-18903}"
RUN="bench$(date +%s)"
PSQL=(psql -h 127.0.0.1 -U triggers -d triggers -v ON_ERROR_STOP=1 -q)
mkdir -p "$WORK" "$BENCH/results"

"$ROOT/deploy/local/stack.sh" infra >/dev/null
JAR="$ROOT/cron-service/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -pl cron-service -am package -DskipTests)

PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  "${PSQL[@]}" -c "delete from cron.schedules where cluster = '$RUN'" || true
}
trap cleanup EXIT

# Start the process first (it migrates the schema), then load the schedules straight into its cluster.
TRIGGERS_ADMIN_TOKEN="bench" java -Xms256m -Xmx256m -XX:+UseSerialGC \
  -Dquarkus.http.port="$PORT" -Dquarkus.http.host=127.0.0.1 -Dtriggers.cron-service.cluster="$RUN" \
  "-Dmp.messaging.outgoing.\"triggers.inbound\".topic=bench.cron.$RUN" \
  -jar "$JAR" > "$WORK/cron.log" 2>&1 &
PID=$!
for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" && break; sleep 0.5; done

MINUTELY=$((PER_SECOND * 60))
HOURLY=$((SCHEDULES - MINUTELY))
START=$(date +%s)
"${PSQL[@]}" <<SQL
insert into cron.schedules (id, cluster, tenant_id, event_name, version, config, enabled, next_fire_at, due_at)
select gen_random_uuid(), '$RUN', 'bench', 'bench.cron', 1,
       jsonb_build_object('tenantId', 'bench', 'eventName', 'bench.cron', 'expression', (i % 60) || ' * * * * *'),
       true, t, t
from generate_series(0, $MINUTELY - 1) as i,
     lateral (select date_trunc('minute', now()) + interval '1 minute' + (i % 60) * interval '1 second' as t) as n;
insert into cron.schedules (id, cluster, tenant_id, event_name, version, config, enabled, next_fire_at, due_at)
select gen_random_uuid(), '$RUN', 'bench', 'bench.cron', 1,
       jsonb_build_object('tenantId', 'bench', 'eventName', 'bench.cron', 'expression', '0 ' || (i % 60) || ' * * * *'),
       true, t, t
from generate_series(0, $HOURLY - 1) as i,
     lateral (select date_trunc('hour', now()) + interval '1 hour' + (i % 60) * interval '1 minute' as t) as n;
analyze cron.schedules;
SQL
echo "loaded $SCHEDULES schedules in $(( $(date +%s) - START )) s; firing from the next minute for ${DURATION}s"

# Wait for the first fire, then measure from a clean slate (the JIT warms during the first minute's fires).
NEXT_MINUTE=$(( ( $(date +%s) / 60 + 1 ) * 60 ))
sleep $(( NEXT_MINUTE - $(date +%s) + 1 ))
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
TICKS0=$(cpu_ticks); T0=$(date +%s.%N)
FIRES0=$(curl -s "http://127.0.0.1:$PORT/q/metrics" | awk '/^cron_fires_total\{kind="schedule"/ {print $2}'); FIRES0=${FIRES0:-0}
sleep "$DURATION"
METRICS=$(curl -s "http://127.0.0.1:$PORT/q/metrics")
TICKS1=$(cpu_ticks); T1=$(date +%s.%N)
FIRES1=$(awk '/^cron_fires_total\{kind="schedule"/ {print $2}' <<< "$METRICS")
P50=$(awk '/^cron_fire_delay_seconds\{quantile="0.5"/ {printf "%.1f", $2 * 1000}' <<< "$METRICS")
P99=$(awk '/^cron_fire_delay_seconds\{quantile="0.99"/ {printf "%.1f", $2 * 1000}' <<< "$METRICS")
MAX=$(awk '/^cron_fire_delay_seconds_max/ {printf "%.1f", $2 * 1000}' <<< "$METRICS")
RATE=$(awk -v a="$FIRES0" -v b="$FIRES1" -v t0="$T0" -v t1="$T1" 'BEGIN { printf "%.0f", (b - a) / (t1 - t0) }')
CPU=$(awk -v a="$TICKS0" -v b="$TICKS1" -v t0="$T0" -v t1="$T1" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { printf "%.0f", 100 * (b - a) / hz / (t1 - t0) }')
RESULT="$BENCH/results/cron-fire-$(date +%Y%m%d-%H%M%S).md"
{
  echo "cron-service, $(nproc) cores, one replica, $SCHEDULES active schedules ($MINUTELY firing once a minute, spread over the seconds), ${DURATION}s measured."
  echo
  echo "| fires/s | fire delay p50 ms | p99 ms | max ms | CPU of the process (% of one core) |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| $RATE | $P50 | $P99 | $MAX | $CPU |"
  echo
  echo "Fire delay = emission (Kafka acknowledged) − due time; the Micrometer percentiles cover the last minute. Target p99 ≤ 250 ms."
} | tee "$RESULT"
