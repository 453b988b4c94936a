# Shared by the scripts of `make cluster`: where things live, which ports they use, how progress is printed and
# how a background process is started and stopped. Sourced, not run. The ports stay clear of `make dev` (7233,
# 7243, 8233, 3000, 4000, 9464, 9465), so both can run at once; the membership ports stay below 32768 because
# PostgreSQL keeps them in a SMALLINT column.
set -euo pipefail

CLUSTER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$CLUSTER_ROOT"

TEMPORAL_SERVER_MODULE=go.temporal.io/server
TEMPORAL_SERVER_VERSION=v1.32.2
TEMPORAL_GO_TOOLCHAIN=go1.26.10

CLUSTER_BIN="$CLUSTER_ROOT/.temporal/cluster"
CLUSTER_SCHEMA="$CLUSTER_BIN/schema"
CLUSTER_DATA="$CLUSTER_ROOT/.data/cluster"
CLUSTER_CERTS="$CLUSTER_DATA/certs"
CLUSTER_LOGS="$CLUSTER_DATA/logs"
CLUSTER_RUN="$CLUSTER_DATA/run"
CLUSTER_PGDATA="$CLUSTER_DATA/postgres"
CLUSTER_PGSOCKET="$CLUSTER_DATA/postgres-socket"
CLUSTER_PROFILE_FILE="$CLUSTER_DATA/temporal.toml"

CLUSTER_PG_PORT="${CLUSTER_PG_PORT:-15432}"
CLUSTER_FRONTEND_PORT="${CLUSTER_FRONTEND_PORT:-17233}"
CLUSTER_API_PORT="${CLUSTER_API_PORT:-13000}"
CLUSTER_SANDBOX_PORT="${CLUSTER_SANDBOX_PORT:-14000}"
CLUSTER_NAMESPACE=one-stop-shop
CLUSTER_TASK_QUEUE=newcomer-cases
CLUSTER_JWT_ISSUER=https://login.cluster.test

step() { printf '[cluster] %s...\n' "$*"; }
done_step() { printf '[cluster]   %s\n' "$*"; }
fail() {
  printf '[cluster] FAILED: %s\n' "$*" >&2
  exit 1
}

# A secret generated once and kept in .data/cluster (mode 600): the database password, the payload key, the JWT secret.
secret() {
  local file="$CLUSTER_DATA/$1"
  if [ ! -s "$file" ]; then
    mkdir -p "$CLUSTER_DATA"
    (umask 077 && ${2:-openssl rand -hex 24} >"$file")
  fi
  cat "$file"
}

pid_of() { cat "$CLUSTER_RUN/$1.pid" 2>/dev/null || true; }
running() {
  local pid
  pid="$(pid_of "$1")"
  # A killed process lingers as a zombie until init reaps it: that is not running.
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(ps -o stat= -p "$pid" | cut -c1)" != Z ]
}

# start_daemon NAME COMMAND...: runs it in the background, in its own session, its output in logs/NAME.log.
start_daemon() {
  local name="$1"
  shift
  mkdir -p "$CLUSTER_RUN" "$CLUSTER_LOGS"
  setsid "$@" >"$CLUSTER_LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$CLUSTER_RUN/$name.pid"
}

# stop_daemon NAME: SIGTERM, then SIGKILL after 20 s.
stop_daemon() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    done_step "stopped $name"
  fi
  rm -f "$CLUSTER_RUN/$name.pid"
}

# wait_for DAEMON SECONDS COMMAND...: polls COMMAND until it succeeds; fails at once when the daemon exits, and on
# time-out, showing the tail of its log.
wait_for() {
  local name="$1" seconds="$2" log="$CLUSTER_LOGS/$1.log"
  shift 2
  for _ in $(seq 1 $((seconds * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! running "$name"; then
      tail -n 20 "$log" >&2
      fail "$name exited before it was ready; its log (tail above): ${log#"$CLUSTER_ROOT/"}"
    fi
    sleep 0.5
  done
  tail -n 20 "$log" >&2
  fail "$name did not come up within $seconds s; its log (tail above): ${log#"$CLUSTER_ROOT/"}"
}
