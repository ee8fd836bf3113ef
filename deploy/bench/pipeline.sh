#!/usr/bin/env bash
# Whole-pipeline benchmark (not a test), against the local stack as `deploy/local/stack.sh up` runs it: webhooks at a
# fixed rate (open model) → webhook-gateway → triggers.inbound → governance (one matching policy with a rate limit,
# so every event runs the Redis script) → triggers.approved → dispatcher → runtime simulator (answering at once) →
# ledger → outcome. Every run is read back from the ledger (dispatch.runs): end to end is the event's time (set by
# the gateway on arrival) to the run's finished_at.
#
#   deploy/bench/pipeline.sh RATE SECONDS            # e.g. 1000 30; WARMUP=20 seconds at RATE first (own tenant)
#   deploy/bench/pipeline.sh overload RATE SECONDS   # offers 2 × RATE: every answer fast, 202s never lost
#   KEEP=1 …                                          # keep the runs in the ledger (removed afterwards by default)
#   ALERTS=1 …                                        # each tenant also has two alert rules that count every run
#                                                     # (consecutive-failures and failure-ratio; docs/alerts.md)
#
# The load generator warms its own JIT and connections first (5 s at up to 200/s on a tenant of its own, whose runs
# finish before the measured schedule starts; PipelineLoad.java): a cold generator's lag reads as ingress latency.
# CPU per run is read from /proc (utime + stime of every process of the stack, PostgreSQL's backends summed) between
# the start of the measured load and the moment its last run finished, divided by the runs finished; the load
# generator's own CPU is shown apart and is not in the total.
#
# Prints a Markdown table and writes it to deploy/bench/results/pipeline-<time>.md (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/deploy/bench"
RUN_DIR="${TRIGGERS_RUN_DIR:-$ROOT/deploy/local/.run}"
MODE=steady
if [ "${1:-}" = overload ]; then MODE=overload; shift; fi
RATE="${1:?usage: pipeline.sh [overload] RATE SECONDS}"
SECONDS_LOAD="${2:?usage: pipeline.sh [overload] RATE SECONDS}"
OFFERED=$RATE
[ "$MODE" = overload ] && OFFERED=$((RATE * 2))
WARMUP="${WARMUP:-20}"
CONNECTIONS="${CONNECTIONS:-512}"
DRAIN="${DRAIN:-120}"
TOKEN="$(cat "$RUN_DIR/admin-token" 2>/dev/null || true)"
[ -n "$TOKEN" ] || { echo "no admin token in $RUN_DIR: start the stack with deploy/local/stack.sh up" >&2; exit 1; }
for port in 8081 8084 8085 8090; do
  curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" 2>/dev/null || curl -sf -o /dev/null "http://127.0.0.1:$port/v1/stats" \
    || { echo "nothing ready on :$port: start the stack with deploy/local/stack.sh up" >&2; exit 1; }
done
mkdir -p "$BENCH/results"
CP="$ROOT/webhook-gateway/target/quarkus-app/lib/main/*"
PSQL=(env PGPASSWORD=triggers psql -h 127.0.0.1 -U triggers -d triggers -qtA -F ' ')
# pg_stat_activity shows other roles' backends (their client ports) only to a superuser; without one, they read "other".
PSQL_ADMIN=(psql -h 127.0.0.1 -p "${PG_PORT:-5432}" -U postgres -d triggers -qtA)
STAMP="$(date +%s)"
BODY="$(mktemp)"
trap 'rm -f "$BODY"' EXIT
cat > "$BODY" <<'JSON'
{"action":"opened","number":1347,"pull_request":{"id":1,"title":"Amazing new feature","user":{"login":"octocat"},
"head":{"ref":"feature","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e"},"base":{"ref":"main"}},
"repository":{"id":1296269,"full_name":"octocat/Hello-World","private":false},"sender":{"login":"octocat","id":1}}
JSON

json() { curl -sf -X "$1" "http://127.0.0.1:$2$3" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$4"; }

setup() { # tenant → prints the endpoint's delivery URL
  local tenant="$1"
  json POST 8084 /api/v1/policies "{\"name\":\"bench\",\"tenantId\":\"$tenant\",\"match\":{\"eventNames\":[\"bench.*\"]},
    \"action\":\"allow\",\"rateLimit\":{\"limit\":1000000,\"period\":\"PT1S\"},\"onUnavailable\":\"fail-closed\"}" >/dev/null
  local id
  id="$(json POST 8081 /api/v1/endpoints "{\"name\":\"bench\",\"tenantId\":\"$tenant\",\"eventName\":\"bench.pipeline\",
    \"auth\":{\"type\":\"none\"}}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')"
  [ -n "$id" ] || { echo "could not create the endpoint for $tenant" >&2; exit 1; }
  if [ "${ALERTS:-0}" = 1 ]; then
    local channel
    channel="$(json POST 8084 /api/v1/alert-channels "{\"tenantId\":\"$tenant\",\"name\":\"bench\",\"type\":\"email\",
      \"to\":[\"bench@example.com\"]}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')"
    json POST 8084 /api/v1/alert-rules "{\"tenantId\":\"$tenant\",\"name\":\"bench-failing\",
      \"kind\":\"consecutive-failures\",\"channels\":[\"$channel\"]}" >/dev/null
    json POST 8084 /api/v1/alert-rules "{\"tenantId\":\"$tenant\",\"name\":\"bench-ratio\",
      \"kind\":\"failure-ratio\",\"channels\":[\"$channel\"]}" >/dev/null
  fi
  echo "http://127.0.0.1:8081/webhooks/$id"
}

finished() { "${PSQL[@]}" -c "select count(*) from dispatch.runs where tenant_id = '$1' and finished_at is not null"; }

drain() { # tenant expected → waits until that many runs finished, or DRAIN seconds without progress
  local last=-1 since=$SECONDS n
  while true; do
    n="$(finished "$1")"
    [ "$n" -ge "$2" ] && return 0
    if [ "$n" != "$last" ]; then last=$n; since=$SECONDS; fi
    [ $((SECONDS - since)) -lt "$DRAIN" ] || { echo "drain: $n of $2 runs finished, no progress for ${DRAIN}s" >&2; return 0; }
    sleep 1
  done
}

# "label pid ticks" per process of the stack; PostgreSQL and Redis by process name. A PostgreSQL process is labelled
# twice over: "postgresql" for the table, and its part ("postgresql:<service>" for a backend serving a service's
# connection, found by the connection's client port; "postgresql:<backend type>" for the WAL writer, checkpointer…).
cpu_snapshot() {
  local f label pid
  declare -A owner=() part=()
  for f in "$RUN_DIR"/*.pid; do
    label="$(basename "$f" .pid)"
    [ -f "$f" ] && pid="$(cat "$f")" && [ -r "/proc/$pid/stat" ] && { echo "$label $pid $(ticks "$pid")"; owner[$pid]="$label"; }
  done
  # client port → the service that holds the connection's other end
  declare -A port_of=()
  while read -r local_addr users; do
    pid="$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<< "$users")"
    [ -n "$pid" ] && [ -n "${owner[$pid]:-}" ] && port_of[${local_addr##*:}]="${owner[$pid]}"
  done < <(ss -tnpH state established "( dport = :${PG_PORT:-5432} )" 2>/dev/null | awk '{ print $3, $5 }')
  while IFS='|' read -r pid type port; do
    if [ "$type" = "client backend" ]; then part[$pid]="${port_of[$port]:-other}"; else part[$pid]="${type// /-}"; fi
  done < <("${PSQL_ADMIN[@]}" -c "select pid, backend_type, coalesce(client_port, 0) from pg_stat_activity" 2>/dev/null)
  for pid in $(pgrep -x postgres || true); do
    echo "postgresql $pid $(ticks "$pid") postgresql:${part[$pid]:-postmaster-or-gone}"
  done
  for pid in $(pgrep -x redis-server || true); do echo "redis $pid $(ticks "$pid")"; done
  for pid in $(pgrep -f 'beam.smp' || true); do echo "rabbitmq $pid $(ticks "$pid")"; done
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# before after runs [column] → "label ms_per_run" lines, biggest first. Each process's ticks are its own difference
# (a process that started in between counts whole, one that ended counts nothing); column 4 gives PostgreSQL's parts.
cpu_per_run() {
  awk -v runs="$3" -v col="${4:-1}" -v hz="$(getconf CLK_TCK)" 'FNR == NR { before[$2] = $3; next }
    { l = (col == 4 && NF >= 4) ? $4 : $1; if (col == 4 && NF < 4) next;
      d = $3 - (($2 in before) ? before[$2] : 0); if (d < 0) d = $3; sum[l] += d }
    END { for (l in sum) printf "%s %.3f\n", l, sum[l] * 1000 / hz / runs }' "$1" "$2" | sort -k2 -nr
}

WARM_TENANT="bench-warm-$STAMP"
TENANT="bench-$STAMP"
[ "$MODE" = overload ] && TENANT="bench-over-$STAMP"
WARM_URL="$(setup "$WARM_TENANT")"
GEN_TENANT="bench-gen-$STAMP"
GEN_URL="$(setup "$GEN_TENANT")"
URL="$(setup "$TENANT")"
curl -sf -o /dev/null -X PUT http://127.0.0.1:8090/v1/config -H 'Content-Type: application/json' -d '{"latencyMs":0}'

if [ "$WARMUP" -gt 0 ]; then
  echo "warm-up: ${WARMUP}s at $RATE/s" >&2
  W="$(java -Xmx256m -cp "$CP" "$BENCH/PipelineLoad.java" "$WARM_URL" "$RATE" "$WARMUP" "$BODY" "$CONNECTIONS")"
  drain "$WARM_TENANT" "$(sed -n 's/.*status_202=\([0-9]*\).*/\1/p' <<< "$W")"
fi

BEFORE="$(mktemp)"; AFTER="$(mktemp)"; READY="$(mktemp -u)"
echo "measured: ${SECONDS_LOAD}s at $OFFERED/s ($MODE), after the generator's own warm-up (about 10 s)" >&2
java -Xmx512m -cp "$CP" "$BENCH/PipelineLoad.java" "$URL" "$OFFERED" "$SECONDS_LOAD" "$BODY" "$CONNECTIONS" \
  "$GEN_URL" "$READY" > "$BENCH/results/.pipeline-load-$STAMP" &
LOAD_PID=$!
# The generator's warm-up runs (a tenant of their own) finish first, and CPU is counted from the measured start.
while [ ! -s "$READY" ] && kill -0 "$LOAD_PID" 2>/dev/null; do sleep 0.2; done
drain "$GEN_TENANT" "$(cat "$READY" 2>/dev/null || echo 0)"
cpu_snapshot > "$BEFORE"
touch "$READY.go"
sleep 1
rm -f "$READY" "$READY.go"
LOADGEN_START="$(ticks "$LOAD_PID")"
LOADGEN_END="$LOADGEN_START"
while kill -0 "$LOAD_PID" 2>/dev/null; do LOADGEN_END="$(ticks "$LOAD_PID")"; sleep 1; done
L="$(cat "$BENCH/results/.pipeline-load-$STAMP")"; rm -f "$BENCH/results/.pipeline-load-$STAMP"
field() { sed -n "s/.*[ ^]$1=\([0-9.]*\).*/\1/p" <<< " $L"; }
ACCEPTED="$(field status_202)"; ACCEPTED="${ACCEPTED:-0}"
drain "$TENANT" "$ACCEPTED"
cpu_snapshot > "$AFTER"

read -r RUNS OK FIRST_EVENT LAST_FINISH SPAN P50 P99 MAX <<< "$("${PSQL[@]}" -c "
  select count(*), count(*) filter (where status = 'succeeded'),
         to_char(min(event_time), 'HH24:MI:SS.MS'), to_char(max(finished_at), 'HH24:MI:SS.MS'),
         round(extract(epoch from max(finished_at) - min(event_time))::numeric, 2),
         round((1000 * percentile_cont(0.5) within group (order by extract(epoch from finished_at - event_time)))::numeric, 1),
         round((1000 * percentile_cont(0.99) within group (order by extract(epoch from finished_at - event_time)))::numeric, 1),
         round((1000 * max(extract(epoch from finished_at - event_time)))::numeric, 1)
  from dispatch.runs where tenant_id = '$TENANT' and finished_at is not null")"
ACHIEVED="$(awk -v r="$RUNS" -v s="$SPAN" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')"
LOST=$((ACCEPTED - RUNS))
MIX="$(for kv in $(grep -o 'status_[0-9]*=[0-9]*' <<< "$L"); do s="${kv#status_}"; s="${s%%=*}";
  echo "$s×${kv#*=} (p99 $(field "p99_ms_$s") ms)"; done | paste -sd ',' - | sed 's/,/, /g')"
CPU="$(cpu_per_run "$BEFORE" "$AFTER" "${RUNS:-1}")"
PG_PARTS="$(cpu_per_run "$BEFORE" "$AFTER" "${RUNS:-1}" 4)"
TOTAL_CPU="$(awk '{ s += $2 } END { printf "%.2f", s }' <<< "$CPU")"
LOADGEN_CPU="$(awk -v a="$LOADGEN_START" -v b="$LOADGEN_END" -v r="${RUNS:-1}" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { printf "%.2f", (b - a) * 1000 / hz / (r > 0 ? r : 1) }')"
rm -f "$BEFORE" "$AFTER"

# What the benchmark wrote is removed again (ledger, decisions, event log, its endpoints and policies), so a long
# series of runs does not leave the tests and the next runs a ledger of millions of rows.
cleanup_tenant() {
  "${PSQL[@]}" -c "
    delete from dispatch.attempts where run_id in (select run_id from dispatch.runs where tenant_id = '$1');
    delete from dispatch.runs where tenant_id = '$1';
    delete from dispatch.idempotency_keys where tenant_id = '$1';
    delete from governance.decisions where tenant_id = '$1';
    delete from webhook.events where endpoint_id in (select id from webhook.endpoints where tenant_id = '$1');" >/dev/null \
    || echo "could not remove the data of $1" >&2
}
# The deletes leave dead rows behind. Autovacuum would reclaim them, but a machine may run without it (CI machines do,
# for speed), and then every later run would scan a ledger bloated by its predecessors' rows: vacuum what was cleaned.
vacuum_cleaned() {
  local t
  for t in dispatch.runs dispatch.attempts dispatch.idempotency_keys governance.decisions webhook.events; do
    "${PSQL[@]}" -c "vacuum (analyze) $t" >/dev/null 2>&1 || echo "could not vacuum $t (not its owner?)" >&2
  done
}
[ "${KEEP:-0}" = 1 ] || { cleanup_tenant "$TENANT"; cleanup_tenant "$WARM_TENANT"; cleanup_tenant "$GEN_TENANT"; vacuum_cleaned; }

RESULT="$BENCH/results/pipeline-$MODE-$(date +%Y%m%d-%H%M%S).md"
{
  echo "Pipeline ($MODE), $(nproc) cores, the local stack as stack.sh up runs it; ${SECONDS_LOAD}s offered at $OFFERED webhooks/s."
  echo
  echo "| offered | achieved end to end | event → finished p50 / p99 / max | ingress p50 / p99 / max | answers | accepted, in ledger, lost |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| $OFFERED/s | $ACHIEVED runs/s ($RUNS runs, $OK succeeded, in ${SPAN}s) | $P50 / $P99 / $MAX ms | $(field p50_ms) / $(field p99_ms) / $(field max_ms) ms | $MIX (Retry-After on $(field retry_after), timeouts $(field timeouts)) | $ACCEPTED, $RUNS, $LOST |"
  echo
  echo "Machine CPU per run: $TOTAL_CPU ms (load generator apart: $LOADGEN_CPU ms)"
  echo
  echo "| process | CPU ms per run |"
  echo "| --- | --- |"
  awk '$2 > 0.0005 { printf "| %s | %s |\n", $1, $2 }' <<< "$CPU"
  echo
  echo "PostgreSQL's share by the service its backend serves (or the background process):"
  echo
  echo "| PostgreSQL process | CPU ms per run |"
  echo "| --- | --- |"
  awk '$2 > 0.0005 { printf "| %s | %s |\n", $1, $2 }' <<< "$PG_PARTS"
} | tee "$RESULT"
