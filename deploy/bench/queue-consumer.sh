#!/usr/bin/env bash
# queue-consumer benchmark (not a test): messages/s from a Kafka topic to triggers.inbound through a queue-consumer
# source (parse JSON, JSONPath event name and dedup key, header tenant, CloudEvent, acks=all, offsets committed after
# the acks) against a plain Kafka consumer→producer copy of the same messages in the same run; then the same for a
# RabbitMQ queue over AMQP 1.0 against a plain AMQP receiver → Kafka producer copy. Rates are taken over the
# producer timestamps of the output records, so start-up time does not count. Target: ≥ 50 % of the plain copy.
#
#   deploy/bench/queue-consumer.sh          # KAFKA_MESSAGES=100000 AMQP_MESSAGES=50000 by default
#
# Prints a Markdown table and writes it to deploy/bench/results/queue-consumer-<time>.md (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/deploy/bench"
WORK="$ROOT/deploy/local/.run/bench"
KN="${KAFKA_MESSAGES:-100000}"
AN="${AMQP_MESSAGES:-50000}"
PREFETCH="${PREFETCH:-500}"
PORT="${QUEUE_PORT:-18960}"
RUN="queue$(date +%s)"
mkdir -p "$WORK" "$BENCH/results"

"$ROOT/deploy/local/stack.sh" infra
JAR="$ROOT/queue-consumer/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests -pl common-model,queue-consumer)
CP="$ROOT/queue-consumer/target/quarkus-app/lib/main/*"
KAFKA=127.0.0.1:9092
for t in in copy inbound acopy ainbound; do
  java -cp "$ROOT/deploy/local/.run/kafka/libs/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA" \
    --create --if-not-exists --topic "bench.$RUN.$t" --partitions 6 --replication-factor 1 >/dev/null
done
# Both sides of each comparison run with the same JVM options.
JAVA_OPTS="${JAVA_OPTS:--Xms256m -Xmx512m}"
bench() { java $JAVA_OPTS -cp "$CP" "$BENCH/QueueBench.java" "$@"; }

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# source-type source-spec... : runs a queue-consumer with one source until its output has N records.
consumer() { # inbound-topic extra-properties...
  local inbound="$1"; shift
  java $JAVA_OPTS -Dquarkus.http.port="$PORT" -Dquarkus.http.host=127.0.0.1 \
    -Dtriggers.queue-consumer.inbound-topic="$inbound" -Dtriggers.queue-consumer.sources-file= \
    -Dtriggers.queue.sources.bench.event-name.json-path='$.type' -Dtriggers.queue.sources.bench.dedup-key.json-path='$.id' \
    -Dtriggers.queue.sources.bench.tenant-id.header=tenant -Dtriggers.queue.sources.bench.tenant-id.default=demo \
    "$@" -jar "$JAR" > "$WORK/queue-consumer-$inbound.log" 2>&1 &
  PIDS+=($!)
}
field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<< "$1"; }

echo "filling bench.$RUN.in with $KN messages"
bench fill-kafka "$KAFKA" "bench.$RUN.in" "$KN"
bench copy-kafka "$KAFKA" "bench.$RUN.in" "bench.$RUN.copy" "$KN"
KCOPY=$(bench span "$KAFKA" "bench.$RUN.copy" "$KN" 120)
consumer "bench.$RUN.inbound" -Dtriggers.queue.sources.bench.type=kafka \
  -Dtriggers.queue.sources.bench.kafka.topic="bench.$RUN.in" -Dtriggers.queue.sources.bench.kafka.start-offset=earliest \
  -Dtriggers.queue.sources.bench.kafka.group-id="bench-$RUN"
KQC=$(bench span "$KAFKA" "bench.$RUN.inbound" "$KN" 300)
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

echo "filling RabbitMQ queues bench-$RUN-copy and bench-$RUN-qc with $AN messages each"
bench fill-amqp 127.0.0.1 "bench-$RUN-copy" "$AN"
bench fill-amqp 127.0.0.1 "bench-$RUN-qc" "$AN"
bench copy-amqp 127.0.0.1 "bench-$RUN-copy" "$KAFKA" "bench.$RUN.acopy" "$AN" "$PREFETCH"
ACOPY=$(bench span "$KAFKA" "bench.$RUN.acopy" "$AN" 120)
consumer "bench.$RUN.ainbound" -Dtriggers.queue.sources.bench.type=amqp \
  -Dtriggers.queue.sources.bench.amqp.address="bench-$RUN-qc" -Dtriggers.queue.sources.bench.amqp.prefetch="$PREFETCH"
AQC=$(bench span "$KAFKA" "bench.$RUN.ainbound" "$AN" 300)

ratio() { awk -v a="$(field "$1" rate_per_s)" -v b="$(field "$2" rate_per_s)" 'BEGIN { printf "%.0f %%", 100 * a / b }'; }
RESULT="$BENCH/results/queue-consumer-$(date +%Y%m%d-%H%M%S).md"
{
  echo "queue-consumer throughput, $(nproc) cores, one consumer each side, acks=all, JVM options \`$JAVA_OPTS\` on both sides; $KN Kafka messages, $AN AMQP messages (prefetch $PREFETCH)."
  echo
  echo "| path | messages | msgs/s | vs plain copy |"
  echo "| --- | --- | --- | --- |"
  echo "| Kafka: plain consumer→producer copy | $(field "$KCOPY" count) | $(field "$KCOPY" rate_per_s) | 100 % |"
  echo "| Kafka: queue-consumer source → triggers.inbound | $(field "$KQC" count) | $(field "$KQC" rate_per_s) | $(ratio "$KQC" "$KCOPY") |"
  echo "| AMQP: plain receiver→Kafka producer copy | $(field "$ACOPY" count) | $(field "$ACOPY" rate_per_s) | 100 % |"
  echo "| AMQP: queue-consumer source → triggers.inbound | $(field "$AQC" count) | $(field "$AQC" rate_per_s) | $(ratio "$AQC" "$ACOPY") |"
  echo
  echo "Target: ≥ 50 % of the plain copy."
} | tee "$RESULT"
