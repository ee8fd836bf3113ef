#!/usr/bin/env bash
# Start-up and idle memory of the local stack, as `deploy/local/stack.sh up` runs it (a benchmark, not a test):
#   1. the whole stack from down (infrastructure left running): wall time of `stack.sh up`, the self-check included;
#   2. each service restarted alone while the rest runs: launch to `/q/health/ready`, polled every 50 ms;
#   3. after IDLE seconds (default 30) with no load: each service's resident memory (VmRSS from /proc), its heap
#      committed and used (jcmd GC.heap_info), and its metaspace.
# JAVA_OPTS and TRIGGERS_JAVA are passed on to stack.sh, so options can be compared run against run.
#
#   deploy/bench/startup.sh                 # e.g. JAVA_OPTS='-Xms32m -Xmx256m -XX:+UseSerialGC' deploy/bench/startup.sh
#
# Prints a Markdown table and writes it to deploy/bench/results/startup-<time>.md (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${TRIGGERS_RUN_DIR:-$ROOT/deploy/local/.run}"
STACK="$ROOT/deploy/local/stack.sh"
IDLE="${IDLE:-30}"
RESULTS="$ROOT/deploy/bench/results"
mkdir -p "$RESULTS"
out="$RESULTS/startup-$(date -u +%Y%m%dT%H%M%SZ).md"

# name:port, as stack.sh starts them (the simulator is the agent runtime, not a service of ours).
SERVICES=(agent-dispatcher:8085 governance-service:8084 api-gateway:8080 webhook-gateway:8081 cron-service:8082
  queue-consumer:8083 console:8086)

now_ms() { date +%s%3N; }

"$STACK" down >/dev/null 2>&1 || true
"$STACK" infra >/dev/null
began=$(now_ms)
"$STACK" up >/dev/null
whole=$(( $(now_ms) - began ))

declare -A alone
for entry in "${SERVICES[@]}"; do
  IFS=: read -r name port <<< "$entry"
  pid="$(cat "$RUN_DIR/$name.pid")"
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$RUN_DIR/$name.pid"
  began=$(now_ms)
  "$STACK" up >/dev/null &
  up_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready"; do sleep 0.05; done
  alone[$name]=$(( $(now_ms) - began ))
  wait "$up_pid"
done

sleep "$IDLE"

{
  echo "Start-up and idle memory, $(date -u +%Y-%m-%dT%H:%MZ), JAVA_OPTS=\`${JAVA_OPTS:-stack.sh default}\`, java $(${TRIGGERS_JAVA:-java} -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')"
  echo
  echo "Whole stack (\`stack.sh up\` from down, infrastructure running, self-check included): $((whole / 1000)).$(( (whole % 1000) / 100 )) s"
  echo
  echo "| service | alone: launch → ready | RSS after ${IDLE} s idle | heap committed / used | metaspace used |"
  echo "| --- | --- | --- | --- | --- |"
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name port <<< "$entry"
    pid="$(cat "$RUN_DIR/$name.pid")"
    rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
    heap="$(jcmd "$pid" GC.heap_info 2>/dev/null || true)"
    committed=$(printf '%s\n' "$heap" | sed -n 's/.*total \([0-9]*\)K, used \([0-9]*\)K.*/\1 \2/p' | awk '{c += $1; u += $2} END {printf "%d / %d MB", c / 1024, u / 1024}')
    meta=$(printf '%s\n' "$heap" | sed -n 's/.*Metaspace *used \([0-9]*\)K.*/\1/p' | awk '{printf "%d MB", $1 / 1024}')
    echo "| $name | $(( alone[$name] / 1000 )).$(( (alone[$name] % 1000) / 100 )) s | $rss MB | $committed | $meta |"
  done
} | tee "$out"
echo "(written to $out)"
