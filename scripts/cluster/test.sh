#!/usr/bin/env bash
# `make test-cluster`: brings the cluster up (or uses the running one), runs against it, over mTLS, the case
# journeys, the worker kill and the raw-history personal-data check of the main suite plus the cluster's own suites
# (test/cluster/: refusals, the deployed API and workers), and stops the cluster again if it started it.
set -euo pipefail
source "$(dirname "$0")/env.sh"

was_running=false
running temporal && was_running=true
"$CLUSTER_ROOT/scripts/cluster/up.sh"
finish() {
  if [ "$was_running" = false ]; then "$CLUSTER_ROOT/scripts/cluster/down.sh"; fi
}
trap finish EXIT

step "Running the cluster suites (TEST_TEMPORAL=external, profile cluster)"
started=$SECONDS
TEST_TEMPORAL=external TEMPORAL_CONFIG_FILE="$CLUSTER_PROFILE_FILE" TEMPORAL_PROFILE=cluster \
  CLUSTER_API_URL="http://127.0.0.1:$CLUSTER_API_PORT" \
  npx mocha --require dist/test/harness/root-hooks.js --timeout 120000 --slow 10000 --exit \
  dist/test/case-journeys.test.js dist/test/worker-restart.test.js dist/test/encryption.test.js \
  'dist/test/cluster/**/*.test.js'
done_step "cluster suites passed in $((SECONDS - started)) s"
