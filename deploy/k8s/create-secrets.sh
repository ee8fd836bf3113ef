#!/usr/bin/env bash
# Creates the Secrets the services read, with random values where the value is ours to choose, in NAMESPACE
# (default agent-triggers), unless they exist. Nothing here is ever committed: the manifests only name the
# Secrets and their keys. For production infrastructure, pass its credentials instead of the trial defaults:
#   POSTGRES_USER=... POSTGRES_PASSWORD=... REDIS_URL=redis://:password@redis.example:6379 \
#   RABBITMQ_USER=... RABBITMQ_PASSWORD=... deploy/k8s/create-secrets.sh agent-triggers
# Prints the admin token once, when it creates it; read it again with
#   kubectl -n agent-triggers get secret agent-triggers-auth -o jsonpath='{.data.admin-token}' | base64 -d
set -euo pipefail
ns=${1:-agent-triggers}
kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"

random() { head -c "$1" /dev/urandom | base64 | tr -d '\n/+=' | head -c "$2"; }

create() { # name key=value...
  local name=$1; shift
  if kubectl -n "$ns" get secret "$name" >/dev/null 2>&1; then
    echo "secret $name exists, left as it is"
    return 1
  fi
  local args=()
  for kv in "$@"; do args+=(--from-literal="$kv"); done
  kubectl -n "$ns" create secret generic "$name" "${args[@]}" >/dev/null
  echo "secret $name created"
}

admin=$(random 48 40)
if create agent-triggers-auth "admin-token=$admin"; then
  echo "admin token (shown once): $admin"
fi
# AES-256 key that encrypts webhook and alert-channel secrets at rest; losing it makes the stored endpoint secrets unreadable.
create agent-triggers-webhook "secrets-key=$(head -c 32 /dev/urandom | base64)" || true
create agent-triggers-postgres "username=${POSTGRES_USER:-triggers}" \
  "password=${POSTGRES_PASSWORD:-$(random 32 24)}" || true
create agent-triggers-redis "url=${REDIS_URL:-redis://redis:6379}" || true
# The SMTP relay's credentials for e-mail alerts; empty when the relay takes mail without authentication.
create agent-triggers-smtp "username=${SMTP_USERNAME:-}" "password=${SMTP_PASSWORD:-}" || true
create agent-triggers-rabbitmq "username=${RABBITMQ_USER:-triggers}" \
  "password=${RABBITMQ_PASSWORD:-$(random 32 24)}" || true
