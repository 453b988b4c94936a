#!/usr/bin/env bash
# `make cluster-down`: stops what `make cluster` started, newest first; the data stays in .data/cluster/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
step "Stopping the cluster"
"$CLUSTER_ROOT/scripts/cluster/services.sh" stop
"$CLUSTER_ROOT/scripts/cluster/temporal-server.sh" stop
"$CLUSTER_ROOT/scripts/cluster/postgres.sh" stop
