#!/usr/bin/env bash
# The project's own processes on the cluster, as production runs them (NODE_ENV=production, prebuilt workflow
# bundle, JWTs only): the agency sandbox, the API and two workers, all reaching Temporal over mTLS through the
# profile `cluster` of .data/cluster/temporal.toml. Usage: services.sh start|stop
set -euo pipefail
source "$(dirname "$0")/env.sh"

sandbox_url="http://127.0.0.1:$CLUSTER_SANDBOX_PORT"
api_url="http://127.0.0.1:$CLUSTER_API_PORT"

# What every process that talks to Temporal gets: the config file and profile, as the Temporal CLI would.
temporal_env() {
  echo TEMPORAL_CONFIG_FILE="$CLUSTER_PROFILE_FILE" TEMPORAL_PROFILE=cluster TEMPORAL_TASK_QUEUE="$CLUSTER_TASK_QUEUE"
  echo PAYLOAD_KEYS="$(secret payload-keys "node -p require('./dist/lib/encryption').generatePayloadKey('cluster-1')")"
  echo NODE_ENV=production LOG_LEVEL=info
}

start_worker() { # NAME PORT: its metrics on PORT, its stuck-cases gauge on PORT+1, its health on PORT+2
  # shellcheck disable=SC2046
  start_daemon "$1" env -i PATH="$PATH" $(temporal_env) WORKFLOW_BUNDLE_PATH="$CLUSTER_ROOT/dist/workflow-bundle.js" \
    WORKER_METRICS_ADDRESS="127.0.0.1:$2" WORKER_REPORT_METRICS_ADDRESS="127.0.0.1:$(($2 + 1))" \
    WORKER_HEALTH_ADDRESS="127.0.0.1:$(($2 + 2))" \
    BRP_URL_TEMPLATE="$sandbox_url/brp/{municipalityCode}" IND_URL="$sandbox_url/ind" NOTIFY_URL="$sandbox_url/notify" \
    IND_CALLBACK_URL="$api_url/v1/agency-callbacks/ind" IND_POLL_INTERVAL_MS=2000 WORKER_SHUTDOWN_GRACE_MS=5000 \
    node "$CLUSTER_ROOT/dist/worker/main.js"
}

start() {
  [ -f dist/workflow-bundle.js ] || fail "dist/workflow-bundle.js is missing: run npm run build && npm run bundle:workflows."
  step "Starting the agency sandbox ($sandbox_url), the API ($api_url) and two workers, over mTLS"
  if ! running sandbox; then
    # IND's call-backs would need a JWT; on the cluster the workers' polling fall-back fetches decisions instead.
    start_daemon sandbox env -i PATH="$PATH" SANDBOX_PORT="$CLUSTER_SANDBOX_PORT" \
      SANDBOX_STATE_FILE="$CLUSTER_DATA/sandbox-state.json" LOG_LEVEL=warn node "$CLUSTER_ROOT/dist/sandbox/main.js"
  fi
  if ! running api; then
    # shellcheck disable=SC2046
    start_daemon api env -i PATH="$PATH" $(temporal_env) API_PORT="$CLUSTER_API_PORT" API_TOKENS= \
      JWT_SECRET="$(secret jwt-secret)" JWT_ISSUER="$CLUSTER_JWT_ISSUER" JWT_AUDIENCE=one-stop-shop \
      node "$CLUSTER_ROOT/dist/api/main.js"
  fi
  running worker-1 || start_worker worker-1 17460
  running worker-2 || start_worker worker-2 17470
  wait_for sandbox 30 curl -fsS "$sandbox_url/healthz"
  wait_for api 60 curl -fsS "$api_url/readyz"
  wait_for worker-1 60 grep -q '"worker started"' "$CLUSTER_LOGS/worker-1.log"
  wait_for worker-2 60 grep -q '"worker started"' "$CLUSTER_LOGS/worker-2.log"
  done_step "API ready (GET /readyz: Temporal answers over mTLS); worker-1 and worker-2 polling $CLUSTER_TASK_QUEUE"
}

stop() {
  local name
  for name in api worker-1 worker-2 sandbox; do stop_daemon "$name"; done
}

"${1:?usage: services.sh start|stop}"
