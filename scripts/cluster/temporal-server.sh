#!/usr/bin/env bash
# The Temporal server of the cluster: the schema applied with temporal-sql-tool, one process with all four
# services on PostgreSQL, mTLS on the frontend (clients need a certificate of the cluster's CA) and between the
# services. Usage: temporal-server.sh start|stop
set -euo pipefail
source "$(dirname "$0")/env.sh"

config_dir="$CLUSTER_DATA/temporal-config"

sql_tool() { # DATABASE COMMAND...
  local db="$1"
  shift
  SQL_PASSWORD="$(secret postgres-password)" "$CLUSTER_BIN/temporal-sql-tool" --plugin postgres12 --ep 127.0.0.1 \
    -p "$CLUSTER_PG_PORT" -u temporal --db "$db" "$@"
}

apply_schema() {
  local stamp="$CLUSTER_DATA/schema-version"
  [ "$(cat "$stamp" 2>/dev/null)" = "$TEMPORAL_SERVER_VERSION" ] && return 0
  step "Applying the Temporal $TEMPORAL_SERVER_VERSION schema with temporal-sql-tool"
  local db dir log="$CLUSTER_LOGS/schema.log"
  for db in temporal temporal_visibility; do
    dir="$CLUSTER_SCHEMA/temporal"
    [ "$db" = temporal_visibility ] && dir="$CLUSTER_SCHEMA/visibility"
    {
      sql_tool "$db" create-database || true # exists already on a re-run
      sql_tool "$db" setup-schema -v 0.0 &&
        sql_tool "$db" update-schema -d "$dir/versioned"
    } >>"$log" 2>&1 || { tail -n 20 "$log" >&2; fail "the schema of $db did not apply (log above): is PostgreSQL up (scripts/cluster/postgres.sh start)?"; }
  done
  echo "$TEMPORAL_SERVER_VERSION" >"$stamp"
  done_step "databases temporal and temporal_visibility ready"
}

# The TLS settings of the config, at the indent of a group under global.tls: the services, the frontend and the
# system worker all present the server certificate and trust only the cluster's CA.
mtls_client() {
  cat <<YAML
      client:
        serverName: localhost
        rootCaFiles: [$CLUSTER_CERTS/ca.pem]
YAML
}

mtls_server_and_client() {
  cat <<YAML
      server:
        certFile: $CLUSTER_CERTS/server.pem
        keyFile: $CLUSTER_CERTS/server.key
        requireClientAuth: true
        clientCaFiles: [$CLUSTER_CERTS/ca.pem]
YAML
  mtls_client
}

write_config() {
  mkdir -p "$config_dir"
  local password
  password="$(secret postgres-password)"
  (umask 077 && cat >"$config_dir/cluster.yaml" <<YAML
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:
      sql:
        pluginName: postgres12
        databaseName: temporal
        connectAddr: "127.0.0.1:$CLUSTER_PG_PORT"
        connectProtocol: tcp
        user: temporal
        password: "$password"
        maxConns: 20
        maxIdleConns: 20
        maxConnLifetime: 1h
    visibility:
      sql:
        pluginName: postgres12
        databaseName: temporal_visibility
        connectAddr: "127.0.0.1:$CLUSTER_PG_PORT"
        connectProtocol: tcp
        user: temporal
        password: "$password"
        maxConns: 4
        maxIdleConns: 4
        maxConnLifetime: 1h
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  tls:
    internode:
$(mtls_server_and_client)
    frontend:
$(mtls_server_and_client)
    systemWorker:
      certFile: $CLUSTER_CERTS/server.pem
      keyFile: $CLUSTER_CERTS/server.key
$(mtls_client)
services:
  frontend:
    rpc: { grpcPort: $CLUSTER_FRONTEND_PORT, httpPort: $((CLUSTER_FRONTEND_PORT + 10)), membershipPort: 17933, bindOnLocalHost: true }
  history:
    rpc: { grpcPort: $((CLUSTER_FRONTEND_PORT + 1)), membershipPort: 17934, bindOnLocalHost: true }
  matching:
    rpc: { grpcPort: $((CLUSTER_FRONTEND_PORT + 2)), membershipPort: 17935, bindOnLocalHost: true }
  worker:
    rpc: { grpcPort: $((CLUSTER_FRONTEND_PORT + 6)), membershipPort: 17939, bindOnLocalHost: true }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "localhost:$CLUSTER_FRONTEND_PORT"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: $config_dir/dynamic.yaml
  pollInterval: 10s
YAML
  )
  # As the dev server of `make dev`: a case whose workflow tasks keep failing is marked after 2 failures.
  cat >"$config_dir/dynamic.yaml" <<YAML
system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute:
  - value: 2
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
YAML
}

start() {
  if running temporal; then
    done_step "Temporal server already running (pid $(pid_of temporal))"
    return 0
  fi
  apply_schema
  write_config
  step "Starting Temporal server $TEMPORAL_SERVER_VERSION (frontend 127.0.0.1:$CLUSTER_FRONTEND_PORT, mTLS)"
  start_daemon temporal "$CLUSTER_BIN/temporal-server" --config-file "$config_dir/cluster.yaml" \
    --allow-no-auth start
  wait_for temporal 120 \
    openssl s_client -connect "127.0.0.1:$CLUSTER_FRONTEND_PORT" -CAfile "$CLUSTER_CERTS/ca.pem" \
    -cert "$CLUSTER_CERTS/client.pem" -key "$CLUSTER_CERTS/client.key" -verify_return_error -brief </dev/null
  done_step "Temporal server up (log: .data/cluster/logs/temporal.log)"
}

stop() { stop_daemon temporal; }

"${1:?usage: temporal-server.sh start|stop}"
