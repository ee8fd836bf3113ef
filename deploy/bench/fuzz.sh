#!/usr/bin/env bash
# The fuzz tests (every service's OpenAPI fuzz, the webhook and API-trigger ingress fuzz) run longer than in CI: the
# same tests with more cases per operation and wider bounds. Not a benchmark; it fails like the tests do, printing
# each finding with the seed that replays it.
#
#   deploy/local/stack.sh up && deploy/bench/fuzz.sh          # CASES=200 MAX_REQUESTS=50000 MAX_SECONDS=1800
#   SEED=-8992790035322535190 MODULES=webhook-gateway deploy/bench/fuzz.sh   # replay one run
#
# Uses the local stack's Kafka, PostgreSQL and Redis, as every @QuarkusTest does. One Maven build at a time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CASES="${CASES:-200}"
MAX_REQUESTS="${MAX_REQUESTS:-50000}"
MAX_SECONDS="${MAX_SECONDS:-1800}"
MODULES="${MODULES:-webhook-gateway,api-gateway,cron-service,queue-consumer,governance-service,agent-dispatcher}"

args=(-B test -pl "$MODULES" -am
  -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false
  -Dfuzz.cases="$CASES" -Dfuzz.max-requests="$MAX_REQUESTS" -Dfuzz.max-seconds="$MAX_SECONDS")
if [[ -n "${SEED:-}" ]]; then
  args+=(-Dfuzz.seed="$SEED")
fi

cd "$ROOT"
exec ./mvnw "${args[@]}"
