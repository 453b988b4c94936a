#!/usr/bin/env bash
# `make cluster`: assembles the production path on this machine, without containers, and leaves it running:
# PostgreSQL (Debian's), the Temporal server built from its Go module with mTLS, the namespace and the case search
# attributes, then the agency sandbox, the API and two workers over mTLS. Each step skips what is already done;
# `make cluster-down` stops it all (data stays in .data/cluster/).
set -euo pipefail
source "$(dirname "$0")/env.sh"
started=$SECONDS

command -v node >/dev/null || fail "node is needed (Node.js 20.19+)."
"$CLUSTER_ROOT/scripts/cluster/build-temporal.sh"
"$CLUSTER_ROOT/scripts/cluster/certs.sh"
"$CLUSTER_ROOT/scripts/cluster/postgres.sh" start
"$CLUSTER_ROOT/scripts/cluster/temporal-server.sh" start

cat >"$CLUSTER_PROFILE_FILE" <<TOML
# The cluster of make cluster, for the API, the workers, npm run cases and the Temporal CLI:
#   TEMPORAL_CONFIG_FILE=$CLUSTER_PROFILE_FILE TEMPORAL_PROFILE=cluster
[profile.cluster]
address = "127.0.0.1:$CLUSTER_FRONTEND_PORT"
namespace = "$CLUSTER_NAMESPACE"
[profile.cluster.tls]
client_cert_path = "$CLUSTER_CERTS/client.pem"
client_key_path = "$CLUSTER_CERTS/client.key"
server_ca_cert_path = "$CLUSTER_CERTS/ca.pem"
server_name = "localhost"
TOML

step "Registering namespace $CLUSTER_NAMESPACE and the case search attributes"
TEMPORAL_CONFIG_FILE="$CLUSTER_PROFILE_FILE" TEMPORAL_PROFILE=cluster node dist/scripts/cluster/setup-namespace.js ||
  fail "the namespace set-up failed (above); the server's log: .data/cluster/logs/temporal.log"

"$CLUSTER_ROOT/scripts/cluster/services.sh" start

cat <<TEXT
[cluster] Ready in $((SECONDS - started)) s:
[cluster]   Temporal    127.0.0.1:$CLUSTER_FRONTEND_PORT, namespace $CLUSTER_NAMESPACE, mTLS (CA and client certificate in .data/cluster/certs/)
[cluster]   PostgreSQL  127.0.0.1:$CLUSTER_PG_PORT (user temporal, password in .data/cluster/postgres-password)
[cluster]   API         http://127.0.0.1:$CLUSTER_API_PORT (NODE_ENV=production: JWTs of issuer $CLUSTER_JWT_ISSUER, HS256 secret in .data/cluster/jwt-secret)
[cluster]   sandbox     http://127.0.0.1:$CLUSTER_SANDBOX_PORT, workers worker-1 and worker-2; logs in .data/cluster/logs/
[cluster]   operators:  TEMPORAL_CONFIG_FILE=.data/cluster/temporal.toml TEMPORAL_PROFILE=cluster PAYLOAD_KEYS=\$(cat .data/cluster/payload-keys) npm run cases -- stuck
[cluster] make cluster-down stops it all.
TEXT
