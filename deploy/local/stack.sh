#!/usr/bin/env bash
# The local stack: real Kafka (KRaft, from the Apache jars on Maven Central), PostgreSQL, Redis and RabbitMQ on
# loopback, the agent-runtime simulator and the six services, without Docker.
#
#   stack.sh up       start whatever is not running (re-running is harmless)
#   stack.sh down     stop what this script started
#   stack.sh status   state of every component, with log files
#   stack.sh test     make sure the infrastructure runs, then ./mvnw -B verify (the whole test suite)
#   stack.sh infra    only the infrastructure (PostgreSQL, Redis, RabbitMQ, Kafka and its topics)
#   stack.sh build    (re)build every service's fast-jar
#   stack.sh train    (JDK 25+, TRIGGERS_JAVA) record an AOT cache per service under training load; `up` uses it
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="${TRIGGERS_RUN_DIR:-$ROOT/deploy/local/.run}"
LOGS="$RUN/logs"
KAFKA_DIR="$RUN/kafka"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_PARTITIONS="${KAFKA_PARTITIONS:-6}"
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
AMQP_PORT="${AMQP_PORT:-5672}"
# The trigger topics, and team.events: the demo source of the queue-consumer (deploy/local/queue-sources.yaml).
TOPICS=(triggers.inbound triggers.approved triggers.rejected triggers.outcomes triggers.dlq triggers.signals team.events)
JAVA_OPTS="${JAVA_OPTS:--Xms32m -Xmx256m -XX:+UseSerialGC -Xss512k}"
# The JVM the services run on. On JDK 25 or newer, `train` records an AOT cache per service (classes loaded and
# linked, method profiles) that later starts use, so they start and warm up faster.
JAVA="${TRIGGERS_JAVA:-java}"
AOT_DIR="$RUN/aot"

# name:module:port, in start order (the dispatcher's runtime and the ledger first).
SERVICES=(
  "runtime-simulator:deploy/runtime-simulator:8090"
  "agent-dispatcher:agent-dispatcher:8085"
  "governance-service:governance-service:8084"
  "api-gateway:api-gateway:8080"
  "webhook-gateway:webhook-gateway:8081"
  "cron-service:cron-service:8082"
  "queue-consumer:queue-consumer:8083"
  "console:console:8086"
)

mkdir -p "$RUN" "$LOGS"

say() { printf '\033[1m[stack]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[stack] %s\033[0m\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # description, seconds, command...
  local what="$1" secs="$2"; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

admin_token() {
  if [ -n "${TRIGGERS_ADMIN_TOKEN:-}" ]; then
    printf '%s' "$TRIGGERS_ADMIN_TOKEN"
    return
  fi
  if [ ! -s "$RUN/admin-token" ]; then
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$RUN/admin-token")
  fi
  cat "$RUN/admin-token"
}

# ---------------------------------------------------------------- infrastructure

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    command -v pg_ctlcluster >/dev/null || fail "PostgreSQL is not running on 127.0.0.1:$PG_PORT and is not installed"
    say "starting PostgreSQL"
    local version; version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    echo "pg_ctlcluster --skip-systemctl-redirect $version main stop" >> "$RUN/started-infra"
    wait_for "PostgreSQL" 60 pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || fail "PostgreSQL did not start"
  fi
  local psql=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -c "select 1 from pg_roles where rolname = 'triggers'")" != "1" ]; then
    say "creating PostgreSQL role triggers"
    "${psql[@]}" -c "create role triggers login password 'triggers'"
  fi
  # triggers_retention: the dispatcher's retention test drops every day partition before a date 200 days ahead, so it
  # runs in a database of its own.
  local db
  for db in triggers triggers_retention; do
    if [ "$("${psql[@]}" -c "select 1 from pg_database where datname = '$db'")" != "1" ]; then
      say "creating PostgreSQL database $db"
      "${psql[@]}" -c "create database $db owner triggers"
    fi
  done
}

ensure_redis() {
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    command -v redis-server >/dev/null || fail "Redis is not running on 127.0.0.1:$REDIS_PORT and is not installed"
    say "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    echo "redis-cli -h 127.0.0.1 -p $REDIS_PORT shutdown nosave" >> "$RUN/started-infra"
    wait_for "Redis" 30 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping || fail "Redis did not start"
  fi
}

ensure_rabbitmq() {
  if ! port_open "$AMQP_PORT"; then
    command -v rabbitmq-server >/dev/null || fail "RabbitMQ is not running on 127.0.0.1:$AMQP_PORT and is not installed"
    say "starting RabbitMQ"
    rabbitmq-server -detached
    echo "rabbitmqctl stop" >> "$RUN/started-infra"
    wait_for "RabbitMQ" 90 port_open "$AMQP_PORT" || fail "RabbitMQ did not start"
    wait_for "RabbitMQ" 60 rabbitmqctl -q await_startup || true
  fi
  # AMQP 1.0 sources need the plugin; enabling it is idempotent but slow, so look first.
  if [ ! -f "$RUN/.amqp10-enabled" ] || ! grep -q rabbitmq_amqp1_0 /etc/rabbitmq/enabled_plugins 2>/dev/null; then
    if ! rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_amqp1_0; then
      say "enabling RabbitMQ's AMQP 1.0 plugin"
      rabbitmq-plugins enable rabbitmq_amqp1_0 >/dev/null
    fi
    touch "$RUN/.amqp10-enabled"
  fi
}

kafka_java() { java -Xmx256m -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" -cp "$KAFKA_DIR/libs/*" "$@"; }

ensure_kafka_libs() {
  if [ ! -f "$KAFKA_DIR/libs/.complete" ]; then
    say "fetching Apache Kafka from Maven Central"
    rm -rf "$KAFKA_DIR/libs"
    "$ROOT/mvnw" -B -q -f "$ROOT/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$KAFKA_DIR/libs" || fail "could not fetch the Kafka jars"
    touch "$KAFKA_DIR/libs/.complete"
  fi
}

ensure_kafka() {
  # The tools that create topics come from the same jars, also when another checkout runs the broker.
  ensure_kafka_libs
  if port_open "$KAFKA_PORT"; then
    ensure_topics
    return
  fi
  mkdir -p "$KAFKA_DIR/data"
  cat > "$KAFKA_DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=72
EOF
  cat > "$KAFKA_DIR/log4j2.properties" <<'EOF'
rootLogger.level=INFO
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.apache.name=org.apache.kafka
logger.apache.level=WARN
logger.started.name=kafka.server.KafkaRaftServer
logger.started.level=INFO
EOF
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    local cluster_id; cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" \
      > "$LOGS/kafka-format.log" 2>&1 || fail "could not format Kafka storage (see $LOGS/kafka-format.log)"
  fi
  say "starting Kafka (KRaft, 127.0.0.1:$KAFKA_PORT)"
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
    -cp "$KAFKA_DIR/libs/*" kafka.Kafka "$KAFKA_DIR/server.properties" > "$LOGS/kafka.log" 2>&1 &
  echo $! > "$RUN/kafka.pid"
  wait_for "Kafka" 90 port_open "$KAFKA_PORT" || fail "Kafka did not start (see $LOGS/kafka.log)"
  ensure_topics
}

ensure_topics() {
  local existing
  if ! existing="$(kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list 2>/dev/null)"; then
    sleep 2
    existing="$(kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list)" \
      || fail "Kafka does not answer on 127.0.0.1:$KAFKA_PORT"
  fi
  local pids=()
  for topic in "${TOPICS[@]}"; do
    if ! grep -qx "$topic" <<< "$existing"; then
      kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --create \
        --if-not-exists --topic "$topic" --partitions "$KAFKA_PARTITIONS" --replication-factor 1 >/dev/null &
      pids+=($!)
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "could not create the Kafka topics"; done
  [ "${#pids[@]}" -eq 0 ] || say "created ${#pids[@]} Kafka topic(s)"
}

infra() {
  ensure_postgres
  ensure_redis
  ensure_rabbitmq
  ensure_kafka
}

# ---------------------------------------------------------------- services

jar_of() { echo "$ROOT/$1/target/quarkus-app/quarkus-run.jar"; }

build() {
  say "building the services (./mvnw package -DskipTests)"
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests) || fail "build failed"
}

ensure_built() {
  local entry missing=0
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name module port <<< "$entry"
    [ -f "$(jar_of "$module")" ] || missing=1
  done
  [ "$missing" -eq 0 ] || build
}

secrets_key() {
  if [ -n "${TRIGGERS_SECRETS_KEY:-}" ]; then
    printf '%s' "$TRIGGERS_SECRETS_KEY"
    return
  fi
  if [ ! -s "$RUN/secrets-key" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n' > "$RUN/secrets-key")
  fi
  cat "$RUN/secrets-key"
}

java_release() { "$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

# The AOT options for a service: recording its cache while training, using it when it is there and newer than every jar
# of the service (the JVM checks the class path too and ignores a cache that does not match it).
aot_options() { # name module
  local cache="$AOT_DIR/$1.aot" app; app="$(dirname "$(jar_of "$2")")"
  [ "${JAVA_RELEASE:-0}" -ge 25 ] 2>/dev/null || return 0
  if [ "${TRIGGERS_AOT_TRAINING:-}" = 1 ]; then
    echo "-XX:AOTCacheOutput=$cache"
  elif [ -f "$cache" ] && [ -z "$(find "$app" -name '*.jar' -newer "$cache" | head -n 1)" ]; then
    echo "-XX:AOTCache=$cache"
  fi
}

start_service() { # name module port token secrets-key
  local name="$1" module="$2" port="$3" token="$4" key="$5" pidfile="$RUN/$1.pid"
  if pid_alive "$pidfile"; then
    return
  fi
  if port_open "$port"; then
    fail "port $port (for $name) is taken by another process"
  fi
  say "starting $name on :$port"
  # Everything here is on loopback, the runtime simulator included: the outbound URL policy refuses loopback unless
  # allowed, so the stack allows it (agent runtime URL and fallbacks alike). Export your own list to narrow it.
  TRIGGERS_ADMIN_TOKEN="$token" TRIGGERS_SECRETS_KEY="$key" \
    TRIGGERS_OUTBOUND_ALLOW="${TRIGGERS_OUTBOUND_ALLOW:-127.0.0.1,::1,localhost}" \
    TRIGGERS_QUEUE_CONSUMER_SOURCES_FILE="${TRIGGERS_QUEUE_CONSUMER_SOURCES_FILE:-$ROOT/deploy/local/queue-sources.yaml}" \
    nohup "$JAVA" $JAVA_OPTS $(aot_options "$name" "$module") -jar "$(jar_of "$module")" > "$LOGS/$name.log" 2>&1 &
  echo $! > "$pidfile"
}

wait_ready() { # name port
  local name="$1" port="$2"
  if ! wait_for "$name" 120 curl -sf "http://127.0.0.1:$port/q/health/ready"; then
    curl -s "http://127.0.0.1:$port/q/health/ready" || true
    fail "$name is not ready (see $LOGS/$name.log)"
  fi
}

up() {
  local start=$SECONDS
  ensure_built
  infra
  # Read (or make) the token once: the starts below run in the background.
  local token key; token="$(admin_token)"; key="$(secrets_key)"
  JAVA_RELEASE="$(java_release)"
  local entry
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name module port <<< "$entry"
    start_service "$name" "$module" "$port" "$token" "$key"
  done
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name module port <<< "$entry"
    wait_ready "$name" "$port"
  done
  self_check "$token"
  say "up in $((SECONDS - start)) s"
  cat <<EOF

  Console             http://127.0.0.1:8086   (sign in with the admin token below; docs/dashboard.md)

  api-gateway         http://127.0.0.1:8080   (Swagger UI: /q/swagger-ui)
  webhook-gateway     http://127.0.0.1:8081
  cron-service        http://127.0.0.1:8082
  queue-consumer      http://127.0.0.1:8083
  governance-service  http://127.0.0.1:8084
  agent-dispatcher    http://127.0.0.1:8085
  runtime simulator   http://127.0.0.1:8090   (GET /v1/stats, PUT /v1/config)
  Kafka               127.0.0.1:$KAFKA_PORT   PostgreSQL 127.0.0.1:$PG_PORT/triggers   Redis 127.0.0.1:$REDIS_PORT   RabbitMQ 127.0.0.1:$AMQP_PORT

  Admin token: $token
  (export TRIGGERS_ADMIN_TOKEN to choose your own; this one is kept in $RUN/admin-token)

  Trigger a run, then read it:
    curl -s -X POST http://127.0.0.1:8080/api/v1/hello -H 'Content-Type: application/json' -d '{"name":"Ada"}'
    curl -s -H "Authorization: Bearer $token" http://127.0.0.1:8080/api/v1/runs/<runId>

  Logs: $LOGS
EOF
}

# One real run through the whole pipeline, so "up" means the stack works, not only that it started.
self_check() { # token
  local token="$1" response run_id began status=""
  began=$(date +%s%N)
  response="$(curl -s -X POST http://127.0.0.1:8080/api/v1/hello -H 'Content-Type: application/json' \
    -d '{"name":"stack self-check"}')"
  run_id="$(sed -n 's/.*"runId":"\([^"]*\)".*/\1/p' <<< "$response")"
  [ -n "$run_id" ] || fail "self-check: the api-gateway did not accept a trigger: $response"
  for _ in $(seq 1 300); do
    status="$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:8080/api/v1/runs/$run_id" \
      | sed -n 's/.*"status":"\([a-z_]*\)".*/\1/p')"
    case "$status" in
      succeeded) say "self-check: run $run_id succeeded in $(( ($(date +%s%N) - began) / 1000000 )) ms"; return ;;
      failed|dead_lettered|rejected) fail "self-check: run $run_id ended $status (see $LOGS)" ;;
    esac
    sleep 0.1
  done
  fail "self-check: run $run_id did not finish within 30 s (last status: ${status:-none}; see $LOGS)"
}

stop_pid() { # name pidfile [seconds to wait before kill -9, default 10]
  local name="$1" pidfile="$2" wait="${3:-10}"
  if pid_alive "$pidfile"; then
    local pid; pid="$(cat "$pidfile")"
    say "stopping $name ($pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((wait * 4))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

down() {
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    IFS=: read -r name module port <<< "${SERVICES[$i]}"
    stop_pid "$name" "$RUN/$name.pid"
  done
  stop_pid kafka "$RUN/kafka.pid"
  if [ -f "$RUN/started-infra" ]; then
    while read -r cmd; do
      say "stopping: $cmd"
      eval "$cmd" >/dev/null 2>&1 || true
    done < "$RUN/started-infra"
    rm -f "$RUN/started-infra"
  fi
}

status() {
  printf '%-20s %-10s %-8s %s\n' COMPONENT STATE PID LOG
  local state
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && state=up || state=down
  printf '%-20s %-10s %-8s %s\n' postgresql "$state" - "127.0.0.1:$PG_PORT"
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && state=up || state=down
  printf '%-20s %-10s %-8s %s\n' redis "$state" - "127.0.0.1:$REDIS_PORT"
  port_open "$AMQP_PORT" && state=up || state=down
  printf '%-20s %-10s %-8s %s\n' rabbitmq "$state" - "127.0.0.1:$AMQP_PORT"
  port_open "$KAFKA_PORT" && state=up || state=down
  printf '%-20s %-10s %-8s %s\n' kafka "$state" "$(cat "$RUN/kafka.pid" 2>/dev/null || echo -)" "$LOGS/kafka.log"
  local entry
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name module port <<< "$entry"
    if curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; then
      state=ready
    elif pid_alive "$RUN/$name.pid"; then
      state=starting
    else
      state=down
    fi
    printf '%-20s %-10s %-8s %s\n' "$name" "$state" "$(cat "$RUN/$name.pid" 2>/dev/null || echo -)" "$LOGS/$name.log"
  done
}

# Records each service's AOT cache (JDK 25+): the stack starts with recording on, runs the pipeline benchmark as
# training load, and stops the services, which write their caches as they exit. Later `up`s use them.
train() {
  JAVA_RELEASE="$(java_release)"
  [ "${JAVA_RELEASE:-0}" -ge 25 ] 2>/dev/null \
    || fail "training needs JDK 25 or newer (this is $JAVA, release ${JAVA_RELEASE:-unknown}): set TRIGGERS_JAVA"
  down
  mkdir -p "$AOT_DIR"
  rm -f "$AOT_DIR"/*.aot
  TRIGGERS_AOT_TRAINING=1 up
  WARMUP=0 "$ROOT/deploy/bench/pipeline.sh" "${TRAIN_RATE:-300}" "${TRAIN_SECONDS:-90}" > "$LOGS/training.log" 2>&1 \
    || fail "the training load failed (see $LOGS/training.log)"
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    IFS=: read -r name module port <<< "${SERVICES[$i]}"
    stop_pid "$name" "$RUN/$name.pid" 120
  done
  say "AOT caches: $(du -sh "$AOT_DIR" | cut -f1) in $AOT_DIR; \`TRIGGERS_JAVA=$JAVA $0 up\` uses them"
}

# The tests' own tools: promtool and a Prometheus server (Debian's prometheus package) for the monitoring tests,
# kubectl with kustomize for the manifest tests (installed on these machines; not packaged by Debian).
ensure_test_tools() {
  # Prometheus (promtool and a real server) for the monitoring tests; Chromium for the console's browser tests.
  local packages=()
  if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then packages+=(prometheus); fi
  if ! command -v chromium >/dev/null; then packages+=(chromium); fi
  if [ "${#packages[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null || fail "missing: ${packages[*]}; install Prometheus 2.x and Chromium"
    say "installing ${packages[*]} from Debian"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${packages[@]}" >/dev/null || fail "could not install ${packages[*]}"
  fi
  command -v kubectl >/dev/null || fail "kubectl (1.27 or newer, with kustomize) is missing"
  command -v npm >/dev/null || fail "Node.js and npm (20 or newer) are missing: the console's build needs them"
}

run_tests() {
  infra
  ensure_test_tools
  cd "$ROOT"
  ./mvnw -B verify "$@"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  test) shift; run_tests "$@" ;;
  infra) infra ;;
  build) build ;;
  train) train ;;
  *) echo "usage: $0 up|down|status|test|infra|build|train" >&2; exit 2 ;;
esac
